// The times an audit record carries: wall time, whether it is trusted, and monotonic time with
// the boot it belongs to. Passed in, so tests and main/sync's trusted clock can supply their own.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export interface AuditClock {
  /** Wall time, ms since the epoch, as the system says (possibly 1970 on a Pi without RTC). */
  wallMs(): number;
  /** Whether wall time is currently trusted (main/sync decides; see its trusted clock). */
  trusted(): boolean;
  /** Monotonic time, µs, from an origin fixed for `bootId`. */
  monotonicUs(): number;
  /** Identifies the origin of `monotonicUs`: the kernel boot id, or a per-process id. */
  readonly bootId: string;
}

/**
 * The system clocks. process.hrtime reads CLOCK_MONOTONIC, which counts from boot on Linux, so
 * the kernel's boot id names its origin; elsewhere the origin is only known per process.
 */
export function systemClock(trusted: () => boolean = () => false): AuditClock {
  const bootId = linuxBootId() ?? `process-${randomUUID()}`;
  return {
    wallMs: () => Date.now(),
    trusted,
    monotonicUs: () => Number(process.hrtime.bigint() / 1000n),
    bootId,
  };
}

function linuxBootId(): string | undefined {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
