/**
 * CPU milliseconds this process spends running `f`. Bounds on work (a regex that must not backtrack, a matcher
 * that must stay linear) are asserted on CPU time, not wall time: on a shared 2-core machine wall time depends
 * on what else runs, CPU time on the work itself.
 */
export function cpuMs(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}
