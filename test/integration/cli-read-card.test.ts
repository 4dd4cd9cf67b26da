// `verikiosk read-card` end to end: the built command on one end of a socat pty pair, the SAM
// simulator on the other — the JSON contract, and exit 1 with one line when no card comes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CardReaderSimulator } from '../../tools/sim/card-reader/simulator.js';
import { ptyPair, stopChildren } from '../support/pty.js';

const CLI = join(process.cwd(), 'bin/verikiosk.js');
let dir: string;
let sim: CardReaderSimulator | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'read-card-'));
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await stopChildren();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('verikiosk read-card', () => {
  it('prints the card placed on the simulated reader as one JSON object', async () => {
    const { sim: simPath, host: hostPath } = await ptyPair(dir);
    sim = await CardReaderSimulator.openPath(simPath);
    sim.place('resident');
    const out = await runCli(['read-card', '--port', hostPath, '--timeout', '10000']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const card = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const key of ['type', 'name', 'sex', 'ethnicity', 'birthDate', 'address', 'number', 'authority', 'validFrom', 'validTo', 'photo']) {
      expect(card, key).toHaveProperty(key);
    }
    expect(card.type).toBe('resident');
    expect(card.number).toMatch(/^\d{17}[\dX]$/);
    expect(Buffer.from(card.photo as string, 'base64')).toHaveLength(1024);
    expect(card.flags).toEqual([]);
  });

  it('exits 1 with one line when no card comes in time', async () => {
    const { sim: simPath, host: hostPath } = await ptyPair(dir);
    sim = await CardReaderSimulator.openPath(simPath);
    const out = await runCli(['read-card', '--port', hostPath, '--timeout', '1200']);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/no_card_in_time/);
  });

  it('exits 2 for unusable arguments', async () => {
    expect((await runCli(['read-card'])).code).toBe(2);
    expect((await runCli(['read-card', '--port', '/dev/null', '--baud', '12345'])).code).toBe(2);
    expect((await runCli(['read-card', '--port', '/dev/null', '--timeout', 'soon'])).code).toBe(2);
  });
});
