import type { LeakReport } from '../core/report-model';

/**
 * The summary's line about findings that `this.leakguard.allow()` or a title tag allowed:
 * a count by probe, so that what was let through stays in view; the JSON report lists
 * each one under `allowed`, with what allowed it.
 */
export function allowedLines(report: LeakReport): string[] {
  const allowed = report.allowed ?? [];
  if (allowed.length === 0) return [];
  const byProbe = new Map<string, number>();
  for (const leak of allowed) byProbe.set(leak.probe, (byProbe.get(leak.probe) ?? 0) + 1);
  const probes = [...byProbe].map(([probe, n]) => `${probe}: ${n}`).join(', ');
  const findings = allowed.length === 1 ? '1 finding' : `${allowed.length} findings`;
  return [`leakguard: ${findings} allowed by this.leakguard.allow() or @leakguard-allow tags (${probes}), not counted as leaks; listed under "allowed" in the JSON report`];
}
