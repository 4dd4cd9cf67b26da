// Shared timing helpers for the benchmarks: every figure is printed beside its anchor,
// measured in the same run on the same machine (never as a test assertion).
import { performance } from 'node:perf_hooks';

export interface Timing {
  readonly samples: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p95Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

/** Times `fn` one call at a time after a warm-up; returns microsecond percentiles. */
export function timeEach(fn: () => unknown, samples: number, warmup = Math.min(1000, samples)): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const us = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    fn();
    us[i] = (performance.now() - t0) * 1000;
  }
  return summarize(us);
}

/** Times `fn` in batches of `batch` calls (for calls too short to time one by one). */
export function timeBatched(fn: () => unknown, batches: number, batch: number): Timing {
  for (let i = 0; i < batch; i++) fn();
  const us = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    us[b] = ((performance.now() - t0) * 1000) / batch;
  }
  return summarize(us);
}

export function summarize(values: Float64Array | number[]): Timing {
  const sorted = Float64Array.from(values).sort();
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    samples: sorted.length,
    meanUs: sum / sorted.length,
    p50Us: pick(0.5),
    p95Us: pick(0.95),
    p99Us: pick(0.99),
    maxUs: sorted[sorted.length - 1] ?? NaN,
  };
}

export function fmtUs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

/**
 * One result line: the figure, its anchor measured in the same run, the ratio, and the goal.
 * `pass` is informational; benchmarks never fail the build.
 */
export function report(line: {
  name: string;
  value: string;
  anchor?: string;
  ratio?: number;
  goal: string;
  pass: boolean;
}): void {
  const parts = [`${line.name}: ${line.value}`];
  if (line.anchor) parts.push(`anchor ${line.anchor}`);
  if (line.ratio !== undefined) parts.push(`ratio ${line.ratio.toFixed(2)}`);
  parts.push(`goal ${line.goal}`);
  parts.push(line.pass ? 'MET' : 'NOT MET');
  console.log(`  ${parts.join(' | ')}`);
}
