/** Mean wall time of `fn` in microseconds over `calls` calls, after a warm-up of 1,000. */
export function meanMicros(fn: () => unknown, calls: number): number {
  for (let i = 0; i < 1000; i++) fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  return Number(process.hrtime.bigint() - started) / calls / 1000;
}
