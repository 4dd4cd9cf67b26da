// The real QR scanner stack end to end: socat pty pair, the simulator (process and library) on
// one end, SerialQrScanner + serialport on the other; terminators, a 4,296-character code, unplug.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SerialQrScanner, type QrScan, type QrScannerHealth } from '../../drivers/qr-scanner/scanner.js';
import type { Terminator } from '../../drivers/qr-scanner/parser.js';
import { QrScannerSimulator } from '../../tools/sim/qr-scanner/simulator.js';
import { outputShows, startSocat, stopChild, stopChildren, track } from '../support/pty.js';

const TSX = join(process.cwd(), 'node_modules/tsx/dist/cli.mjs');
const SIM_MAIN = join(process.cwd(), 'tools/sim/qr-scanner/main.ts');

let dir: string;
// The same two paths for every pty pair: a restarted socat is the cable plugged back in.
let simEnd: string; // the simulator writes here
let kioskEnd: string; // the driver reads here

// Everything started here is stopped in afterEach, whether the test passed or not.
const scanners = new Set<SerialQrScanner>();
const sims = new Set<QrScannerSimulator>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qr-scanner-'));
  simEnd = join(dir, 'sim');
  kioskEnd = join(dir, 'kiosk');
});

afterEach(async () => {
  await Promise.all([...scanners].map((s) => s.stop()));
  await Promise.all([...sims].map((s) => s.close()));
  scanners.clear();
  sims.clear();
  await stopChildren();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function healthBecomes(scanner: SerialQrScanner, state: QrScannerHealth['state']): Promise<QrScannerHealth> {
  return new Promise((resolve) => {
    if (scanner.health.state === state) return resolve(scanner.health);
    const onHealth = (h: QrScannerHealth): void => {
      if (h.state !== state) return;
      scanner.off('health', onHealth);
      resolve(h);
    };
    scanner.on('health', onHealth);
  });
}

/** Collects scans; `until(n)` resolves once n have arrived. */
function collectScans(scanner: SerialQrScanner): { scans: QrScan[]; until: (n: number) => Promise<QrScan[]> } {
  const scans: QrScan[] = [];
  const waiters: Array<{ n: number; resolve: (s: QrScan[]) => void }> = [];
  scanner.on('scan', (s) => {
    scans.push(s);
    for (const w of waiters) if (scans.length >= w.n) w.resolve(scans);
  });
  return {
    scans,
    until: (n) => new Promise((resolve) => (scans.length >= n ? resolve(scans) : waiters.push({ n, resolve }))),
  };
}

async function startScanner(terminator: Terminator): Promise<SerialQrScanner> {
  const scanner = new SerialQrScanner({ path: kioskEnd, terminator, prefix: ']Q1', reopen: { firstMs: 50, maxMs: 400 } });
  scanners.add(scanner);
  await scanner.start();
  expect(scanner.health).toEqual({ state: 'ready' });
  return scanner;
}

const CODES = ['EID1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3', 'HC1:NCFOXN%TS3DH0RGPJB/IB-OM7533', 'HC1:Grüße 日本 🎉'];

describe('QR scanner over a socat pty pair', () => {
  it.each(['cr', 'lf', 'crlf', 'none'] as const)('terminator %s: the simulator process sends split codes, the driver reads them', async (terminator) => {
    await startSocat(simEnd, kioskEnd);
    const scanner = await startScanner(terminator);
    const { until } = collectScans(scanner);

    const sim = track(
      spawn(process.execPath, [TSX, SIM_MAIN, '--port', simEnd, '--terminator', terminator, '--prefix', ']Q1', '--split', '--max-chunk', '5', '--max-delay', '3'], {
        stdio: ['pipe', 'ignore', 'pipe'],
      }),
    );
    const done = outputShows(sim, 'stderr', /done, 3 codes sent/, 'simulator');
    sim.stdin?.end(`${CODES.join('\n')}\n`);
    await done;
    const exitCode = await new Promise<number | null>((resolve) => (sim.exitCode !== null ? resolve(sim.exitCode) : sim.once('exit', resolve)));
    expect(exitCode).toBe(0);
    expect((await until(3)).map((s) => s.text)).toEqual(CODES);
  });

  it.each(['crlf', 'none'] as const)('terminator %s: a 4,296-character code arrives whole; 4,297 is dropped and the next code read', async (terminator) => {
    await startSocat(simEnd, kioskEnd);
    const scanner = await startScanner(terminator);
    const { until } = collectScans(scanner);
    const dropped: number[] = [];
    scanner.on('too_long', (e) => dropped.push(e.dropped));
    const sim = await QrScannerSimulator.open(simEnd, { terminator, prefix: ']Q1', chunking: { maxBytes: 512, maxDelayMs: 2 } });
    sims.add(sim);

    const longest = `HC1:${'A'.repeat(4292)}`;
    await sim.send(longest);
    await sim.send(`${longest}B`);
    await sim.send('EID1:NEXT');
    const texts = (await until(2)).map((s) => s.text);
    expect(texts).toEqual([longest, 'EID1:NEXT']);
    expect(texts[0]).toHaveLength(4296);
    expect(dropped).toEqual([1]);
  });

  it('unplug (socat killed) → absent; socat back → ready, and codes flow again', async () => {
    const socat = await startSocat(simEnd, kioskEnd);
    const scanner = await startScanner('cr');
    const { until } = collectScans(scanner);
    const sim = await QrScannerSimulator.open(simEnd, { terminator: 'cr', prefix: ']Q1' });
    sims.add(sim);
    await sim.send('EID1:BEFORE');
    await until(1);

    const absent = healthBecomes(scanner, 'absent');
    await stopChild(socat);
    const health = await absent;
    expect(health.state).toBe('absent');
    expect(await sim.closed()).toEqual({ disconnected: true });
    sims.delete(sim);

    const ready = healthBecomes(scanner, 'ready');
    await startSocat(simEnd, kioskEnd);
    await ready;
    const again = await QrScannerSimulator.open(simEnd, { terminator: 'cr', prefix: ']Q1' });
    sims.add(again);
    await again.send('EID1:AFTER');
    expect((await until(2)).map((s) => s.text)).toEqual(['EID1:BEFORE', 'EID1:AFTER']);
  });

  it('the simulator process says what is wrong with bad options', async () => {
    const sim = track(spawn(process.execPath, [TSX, SIM_MAIN, '--port', join(dir, 'missing'), '--terminator', 'etx'], { stdio: ['pipe', 'ignore', 'pipe'] }));
    let stderr = '';
    sim.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => sim.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--terminator must be one of cr, lf, crlf, none/);
  });
});
