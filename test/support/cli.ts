import { runCli } from '../../shared/cli/program';

/** Runs `hookline <argv>` in-process against `url` with `key`; returns the exit code and what it printed. */
export function cliAgainst(url: () => string, key: string) {
  return async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: { HOOKLINE_URL: url(), HOOKLINE_KEY: key } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
