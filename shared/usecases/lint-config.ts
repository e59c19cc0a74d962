import { lintCommand, type ConfigWarning } from '../commands/lint';
import type { Command } from '../model/webhook';

type Linted = Pick<Command, 'trigger' | 'template' | 'conditions'> & Partial<Pick<Command, 'action' | 'agent'>>;
import { PAYLOAD_FIXTURES } from '../providers/fixtures';

export type { ConfigWarning };

/** The sample payloads the lint and the command preview use for a provider (shared/providers/fixtures). */
export function samplesOf(provider: string): Readonly<Record<string, unknown>> {
  return Object.hasOwn(PAYLOAD_FIXTURES, provider) ? PAYLOAD_FIXTURES[provider] : {};
}

/** Warnings for a webhook's commands (`commands.N.template`, `commands.N.conditions.all.M.field`). */
export function lintCommands(provider: string, commands: readonly Linted[]): ConfigWarning[] {
  const samples = samplesOf(provider);
  return commands.flatMap((c, i) => lintCommand(provider, c, samples, `commands.${i}.`));
}

/** Warnings for one command as the command routes take it (`template`, `conditions.all.0.field`). */
export function lintOneCommand(provider: string, command: Linted): ConfigWarning[] {
  return lintCommand(provider, command, samplesOf(provider));
}
