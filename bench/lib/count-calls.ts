/**
 * Counts AWS SDK calls per caller and command with an `initialize`-step middleware (one count per
 * logical call: SDK retries happen further down the stack and are not counted again).
 *
 * The caller is taken from an AsyncLocalStorage scope (`callerScope.run({ caller: 'consumer' }, fn)`),
 * so two handlers sharing the SDK client singletons in one process are told apart exactly; calls
 * made outside any scope get the client's default caller.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CallScope {
  caller: string;
  /** Per-scope counts by `Service:Operation`, e.g. to check "at most one PutObject per invocation". */
  counts?: Map<string, number>;
}

export const callerScope = new AsyncLocalStorage<CallScope>();

export interface CallRow {
  caller: string;
  /** `Service:Operation`, e.g. `SQS:SendMessage`, `DynamoDB:PutItem`, `S3:PutObject`. */
  call: string;
  calls: number;
  /** Calls that ended in an error (e.g. a conditional check that failed). */
  errors: number;
  errorNames: Record<string, number>;
}

interface Stackable {
  middlewareStack: { add(mw: any, opts: any): void; remove(name: string): boolean };
}

const MIDDLEWARE_NAME = 'hooklineCallCounter';

export class CallCounter {
  private rows = new Map<string, CallRow>();

  /** Adds the counting middleware to a client (an SDK client or a DynamoDBDocumentClient). */
  attach(client: Stackable, defaultCaller: string): void {
    client.middlewareStack.remove(MIDDLEWARE_NAME);
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: unknown) => {
        const scope = callerScope.getStore();
        const call = `${(context.clientName ?? '?').replace(/Client$/, '')}:${(context.commandName ?? '?').replace(/Command$/, '')}`;
        const row = this.row(scope?.caller ?? defaultCaller, call);
        row.calls++;
        if (scope?.counts) scope.counts.set(call, (scope.counts.get(call) ?? 0) + 1);
        try {
          return await next(args);
        } catch (err) {
          row.errors++;
          const name = (err as Error)?.name ?? 'Error';
          row.errorNames[name] = (row.errorNames[name] ?? 0) + 1;
          throw err;
        }
      },
      { step: 'initialize', name: MIDDLEWARE_NAME, priority: 'high', override: true },
    );
  }

  detach(client: Stackable): void {
    client.middlewareStack.remove(MIDDLEWARE_NAME);
  }

  private row(caller: string, call: string): CallRow {
    const key = `${caller}\t${call}`;
    let r = this.rows.get(key);
    if (!r) this.rows.set(key, (r = { caller, call, calls: 0, errors: 0, errorNames: {} }));
    return r;
  }

  reset(): void {
    this.rows.clear();
  }

  /** Calls of one caller and command so far (0 when none). */
  count(caller: string, call: string): number {
    return this.rows.get(`${caller}\t${call}`)?.calls ?? 0;
  }

  snapshot(): CallRow[] {
    return [...this.rows.values()].map((r) => ({ ...r, errorNames: { ...r.errorNames } })).sort((a, b) => a.caller.localeCompare(b.caller) || a.call.localeCompare(b.call));
  }

  /** One line per caller: `receiver: SQS:SendMessage=200, DynamoDB:GetItem=1`. */
  static format(rows: CallRow[]): string {
    const by = new Map<string, string[]>();
    for (const r of rows) {
      const list = by.get(r.caller) ?? [];
      list.push(`${r.call}=${r.calls}${r.errors ? ` (${r.errors} failed: ${Object.entries(r.errorNames).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
      by.set(r.caller, list);
    }
    return [...by].map(([c, l]) => `${c}: ${l.join(', ')}`).join('\n');
  }
}
