/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, and
 * self time grouped by package / project folder.
 *
 *   tsx bench/lib/cpuprofile-top.ts <file.cpuprofile> [top=40]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self microseconds per profile node id (each sample's delta is charged to the node it hit). */
export function selfTimes(p: Profile): Map<number, number> {
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  return self;
}

/** A url's bucket: the npm package, a project folder, or node's internals. */
export function bucketOf(url: string): string {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const m = /\/(bin|shared|functions|bench)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

const COMPONENTS: [RegExp, string][] = [
  [/node_modules\/(fauxqs|fastify|find-my-way|@fastify|avvio|light-my-request|fast-xml|fast-json-stringify|pino)/, 'fauxqs (SQS/S3 emulator)'],
  [/node_modules\/(dynalite|classic-level|abstract-level|level|levelup|memdown|subleveldown|lazy|big\.js|async|once)\b/, 'dynalite (DynamoDB emulator)'],
  [/node_modules\/(@aws-sdk|@smithy|@aws-crypto|fast-xml-parser|bowser|strnum)\//, 'AWS SDK (clients)'],
  [/node_modules\/@aws-lambda-powertools\//, 'Powertools (logs, metrics)'],
  [/node_modules\/(tsx|esbuild|get-tsconfig)\//, 'tsx (loading TypeScript)'],
  [/node_modules\/zod\//, 'zod'],
  [/\/(bin\/local)\//, 'bin/local (gateway, pollers)'],
  [/\/(shared|functions)\//, 'Hookline handlers (shared/, functions/)'],
];

/** The component a script belongs to, or undefined for node's own code and natives. */
export function componentOf(url: string): string | undefined {
  for (const [re, name] of COMPONENTS) if (re.test(url)) return name;
  return undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 40);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const self = selfTimes(p);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byBucket = new Map<string, number>();
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (!us) continue;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${bucketOf(f.url)}:${f.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const b = bucketOf(f.url);
    byBucket.set(b, (byBucket.get(b) ?? 0) + us);
  }
  // Self time charged to the nearest project frame above it (bin/, shared/, functions/): who caused it.
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const isProject = (url: string) => /\/(bin|shared|functions)\//.test(url) && !url.includes('node_modules/');
  const byCaller = new Map<string, number>();
  for (const [id, us] of self) {
    let cur: number | undefined = id;
    let label = '(no project frame)';
    while (cur !== undefined) {
      const f = byId.get(cur)!.callFrame;
      if (isProject(f.url)) {
        label = `${f.functionName || '(anonymous)'} ${bucketOf(f.url)}:${f.lineNumber + 1}`;
        break;
      }
      cur = parent.get(cur);
    }
    if (byId.get(id)!.callFrame.functionName === '(idle)') label = '(idle)';
    byCaller.set(label, (byCaller.get(label) ?? 0) + us);
  }
  // Self time by component: the nearest frame (leaf upwards) that belongs to an emulator, the AWS
  // SDK, Powertools or Hookline's own code; what sits under none of them is node itself.
  const byComponent = new Map<string, number>();
  for (const [id, us] of self) {
    let cur: number | undefined = id;
    let label = 'node (http, streams, timers, GC, ...)';
    const leaf = byId.get(id)!.callFrame.functionName;
    if (leaf === '(idle)' || leaf === '(program)' || leaf === '(garbage collector)') label = leaf;
    else
      while (cur !== undefined) {
        const c = componentOf(byId.get(cur)!.callFrame.url);
        if (c) {
          label = c;
          break;
        }
        cur = parent.get(cur);
      }
    byComponent.set(label, (byComponent.get(label) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`total sampled ${(total / 1e6).toFixed(2)} s`);
  console.log('\n-- self time by function --');
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  console.log('\n-- self time by component --');
  for (const [k, us] of [...byComponent].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  console.log('\n-- time by nearest project frame (the caller in bin/, shared/, functions/) --');
  for (const [k, us] of [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  console.log('\n-- self time by package / folder --');
  for (const [k, us] of [...byBucket].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
}
