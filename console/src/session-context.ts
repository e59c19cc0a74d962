/** The signed-in session for components that hide what its scopes do not allow. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Scope } from '../../shared/model/api-key';
import { can, type Session } from './session';

export const SessionContext = createContext<Session | null>(null);

/** Whether the signed-in key has `scope` (admin implies all, write implies read). */
export function useCan(scope: Scope): boolean {
  return can(useContext(SessionContext), scope);
}
