/**
 * DynamoDB capacity per call, measured: a middleware asks every call for `ReturnConsumedCapacity:
 * INDEXES` and adds up what the emulator answers (item sizes rounded up per 1 KB written, 4 KB
 * read; eventually consistent reads count half). DynamoDB Local answers for the table and each
 * index; dynalite for the table only, so there a successful write's global secondary index
 * entries are added from the manifest: one entry per
 * index whose keys the written item carries, of the item's size (projection ALL) or 1 unit (a
 * `keysOnly` index), as DynamoDB bills them. An UpdateItem is taken to touch every index of its
 * table (every delivery item carries its index keys).
 */
import { tables } from '../../shared/resources';

interface Stackable {
  middlewareStack: { add(mw: any, opts: any): void; remove(name: string): boolean };
}

export interface CapacityRow {
  table: string;
  call: string;
  calls: number;
  /** Write units on the table itself, as the emulator reports them. */
  table_wcu: number;
  /** Write units of index entries (computed from the manifest, see above). */
  index_wcu: number;
  rcu: number;
}

const NAME = 'hooklineCapacityMeter';
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export class CapacityMeter {
  private rows = new Map<string, CapacityRow>();

  /** `tableNames`: the stack's physical table name -> manifest name (`events`, `deliveries`, ...). */
  constructor(private readonly tableNames: Record<string, string>) {}

  attach(client: Stackable): void {
    client.middlewareStack.remove(NAME);
    client.middlewareStack.add(
      (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
        const call = (context.commandName ?? '?').replace(/Command$/, '');
        if (args?.input && typeof args.input === 'object') args.input.ReturnConsumedCapacity = 'INDEXES';
        let out: any;
        try {
          out = await next(args);
        } catch (err) {
          // A failed conditional write still costs its write units (DynamoDB bills the attempt).
          if ((err as Error)?.name === 'ConditionalCheckFailedException') this.add(args.input.TableName, call, 1, 0, 0);
          throw err;
        }
        const consumed = ([] as any[]).concat(out?.output?.ConsumedCapacity ?? []);
        for (const c of consumed) {
          const units = c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0;
          const reported = c.GlobalSecondaryIndexes ? Object.values(c.GlobalSecondaryIndexes as Record<string, { CapacityUnits?: number }>).reduce((a, g) => a + (g.CapacityUnits ?? 0), 0) : undefined;
          const write = WRITES.has(call);
          this.add(c.TableName, call, write ? units : 0, write ? (reported ?? this.indexUnits(c.TableName, call, args.input, units)) : 0, write ? 0 : units);
        }
        if (!consumed.length) this.add(args.input?.TableName ?? '?', call, 0, 0, 0);
        return out;
      },
      { step: 'initialize', name: NAME, priority: 'high', override: true },
    );
  }

  detach(client: Stackable): void {
    client.middlewareStack.remove(NAME);
  }

  private indexUnits(tableName: string, call: string, input: any, units: number): number {
    const spec = (tables as Record<string, { indexes: { partitionKey: string; sortKey?: string; keysOnly?: boolean }[] }>)[this.tableNames[tableName] ?? ''];
    if (!spec) return 0;
    const entry = (i: { keysOnly?: boolean }) => (i.keysOnly ? 1 : units);
    if (call === 'UpdateItem') return spec.indexes.reduce((a, i) => a + entry(i), 0);
    if (call !== 'PutItem') return 0;
    const item = input?.Item ?? {};
    return spec.indexes.filter((i) => item[i.partitionKey] !== undefined && (!i.sortKey || item[i.sortKey] !== undefined)).reduce((a, i) => a + entry(i), 0);
  }

  private add(physical: string, call: string, tableWcu: number, indexWcu: number, rcu: number): void {
    const table = this.tableNames[physical] ?? physical;
    const key = `${table}\t${call}`;
    let r = this.rows.get(key);
    if (!r) this.rows.set(key, (r = { table, call, calls: 0, table_wcu: 0, index_wcu: 0, rcu: 0 }));
    r.calls++;
    r.table_wcu += tableWcu;
    r.index_wcu += indexWcu;
    r.rcu += rcu;
  }

  reset(): void {
    this.rows.clear();
  }

  snapshot(): CapacityRow[] {
    return [...this.rows.values()].map((r) => ({ ...r })).sort((a, b) => a.table.localeCompare(b.table) || a.call.localeCompare(b.call));
  }
}
