/** The init-duration section's result (bench/init.ts) and its BENCHMARKS.md table. */
export interface InitCase {
  name: string;
  /** What the first invocation does. */
  invocation: string;
  bytes: number;
  import_ms: number;
  invoke_ms: number;
  /** Process start to the first invocation's answer. */
  total_ms: number;
  total_samples: number[];
  /** CPU time (user + system) of the process from its start to the answer. */
  cpu_ms: number;
}

export interface InitResult {
  samples: number;
  baseline: InitCase;
  rows: InitCase[];
}

export function formatInitSection(r: InitResult): string {
  const b = r.baseline;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const x = (v: number) => `${v.toFixed(2)}x`;
  return `### Init duration (import + first invocation)

\`bench/init.ts\`: each bundle above in a fresh Node process against the emulators of the in-process local stack (consumers paused): the time from process start (\`performance.now()\` at the end) to the first invocation's answer, i.e. Node's own start, module load, then the first invocation's environment parsing, client creation, credential and endpoint resolution and its AWS calls. Every sample gets its own input (a distinct signed delivery, queued event, delivery message, config file or alarm) and every answer is checked. The baseline is an SQS-client-only handler that creates its client and sends one message. ${r.samples} samples per function, round-robin after one untimed round; medians.

| Function | first invocation | import | first invocation | process start → answered | vs baseline | samples (ms) | CPU time to the answer | vs baseline |
| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |
${[...r.rows, b].map((c) => `| ${c.name} | ${c.invocation} | ${ms(c.import_ms)} | ${ms(c.invoke_ms)} | ${ms(c.total_ms)} | ${x(c.total_ms / b.total_ms)} | ${c.total_samples.join(', ')} | ${ms(c.cpu_ms)} | ${x(c.cpu_ms / b.cpu_ms)} |`).join('\n')}`;
}
