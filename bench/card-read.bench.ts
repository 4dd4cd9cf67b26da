// A full card read (find → select → read text+photo → decode) through the simulator over a
// socat pty at 115,200 baud: the driver's software time against the bytes' own wire time.
//
// A pty does not pace at the baud rate, so two measurements: (1) unpaced, where the whole
// measured time is software (both ends' JavaScript and the kernel); (2) paced, where the
// simulator holds each 16-byte chunk until the line could have carried it, and software time
// = total − the simulator's measured deliberate waits. The anchor, measured in the same run,
// is the same bytes exchanged raw over the same pty with no protocol code at all.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import { COMMANDS, encodeRequest, encodeResponse, encodeTextPhotoData } from '../drivers/card-reader/frame.js';
import { SamLink, type SerialPortLike } from '../drivers/card-reader/link.js';
import { splitTextPhoto } from '../drivers/card-reader/reader.js';
import { decodeCard } from '../drivers/card-reader/text.js';
import { CARDS } from '../tools/sim/card-reader/fixtures.js';
import { CardReaderSimulator } from '../tools/sim/card-reader/simulator.js';
import { fmtUs, report, summarize } from './lib.js';

const BAUD = 115200;
const UNPACED_READS = 300;
const PACED_READS = 30;
const GOAL_MS = 5;

const card = CARDS.resident!;
const REQUEST_BYTES = 3 * encodeRequest(COMMANDS.findCard).length;
const RESPONSE_BYTES =
  encodeResponse({ sw3: 0x9f, data: new Uint8Array(4) }).length +
  encodeResponse({ sw3: 0x90, data: card.chipSerial }).length +
  encodeResponse({ sw3: 0x90, data: encodeTextPhotoData(card.text, card.photo) }).length;
const WIRE_MS = (((REQUEST_BYTES + RESPONSE_BYTES) * 10) / BAUD) * 1000;

async function startSocat(dir: string): Promise<{ socat: ChildProcess; a: string; b: string }> {
  const a = join(dir, 'sim');
  const b = join(dir, 'host');
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    socat.once('error', reject);
    socat.once('exit', (code) => reject(new Error(`socat exited (${String(code)}): ${seen}`)));
    socat.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('starting data transfer loop')) resolve();
    });
  });
  for (let i = 0; i < 500 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 10));
  return { socat, a, b };
}

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

/** One read cycle exactly as SerialCardReader runs it. */
async function fullRead(link: SamLink): Promise<void> {
  const opts = { timeoutMs: 3000, resends: 0 };
  const find = await link.exchange(COMMANDS.findCard, opts);
  const select = await link.exchange(COMMANDS.selectCard, opts);
  const read = await link.exchange(COMMANDS.readTextPhoto, opts);
  if (find.sw3 !== 0x9f || select.sw3 !== 0x90 || read.sw3 !== 0x90) throw new Error('bench: the simulated read failed');
  const record = decodeCard(...splitTextPhoto(read));
  if (record.flags.length !== 0) throw new Error('bench: unexpected flags');
}

/** The anchor: the same request and answer bytes over the same pty, with no framing code at all. */
async function rawExchanges(simPath: string, hostPath: string, n: number): Promise<Float64Array> {
  const answers = [
    encodeResponse({ sw3: 0x9f, data: new Uint8Array(4) }),
    encodeResponse({ sw3: 0x90, data: card.chipSerial }),
    encodeResponse({ sw3: 0x90, data: encodeTextPhotoData(card.text, card.photo) }),
  ];
  const requests = [encodeRequest(COMMANDS.findCard), encodeRequest(COMMANDS.selectCard), encodeRequest(COMMANDS.readTextPhoto)];
  const sim = await openPort(simPath);
  const host = await openPort(hostPath);
  let heard = 0;
  let next = 0;
  sim.on('data', (d: Buffer) => {
    heard += d.length;
    while (heard >= 10) {
      heard -= 10;
      sim.write(answers[next++ % 3]!);
    }
  });
  let want = 0;
  let got = 0;
  let done: (() => void) | undefined;
  host.on('data', (d: Buffer) => {
    got += d.length;
    if (got >= want) done?.();
  });
  const us = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    for (let k = 0; k < 3; k++) {
      got = 0;
      want = answers[k]!.length;
      const arrived = new Promise<void>((r) => (done = r));
      host.write(requests[k]!);
      await arrived;
    }
    us[i] = (performance.now() - t0) * 1000;
  }
  await new Promise<void>((r) => host.close(() => r()));
  await new Promise<void>((r) => sim.close(() => r()));
  return us;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'card-read-bench-'));
  let socat: ChildProcess | undefined;
  try {
    let pair;
    try {
      pair = await startSocat(dir);
    } catch (err) {
      console.log(`  card read: skipped (${(err as Error).message}); install socat`);
      return;
    }
    socat = pair.socat;
    console.log(
      `  wire time of one read: ${REQUEST_BYTES} request + ${RESPONSE_BYTES} answer bytes × 10 bits / ${BAUD} baud = ${WIRE_MS.toFixed(2)} ms`,
    );

    const raw = summarize(await rawExchanges(pair.a, pair.b, UNPACED_READS));

    const sim = await CardReaderSimulator.openPath(pair.a, { baudRate: BAUD });
    sim.place(card);
    const port = await openPort(pair.b);
    const link = new SamLink(port as unknown as SerialPortLike);
    for (let i = 0; i < 30; i++) await fullRead(link); // warm-up

    const unpaced = new Float64Array(UNPACED_READS);
    for (let i = 0; i < UNPACED_READS; i++) {
      const t0 = performance.now();
      await fullRead(link);
      unpaced[i] = (performance.now() - t0) * 1000;
    }
    const u = summarize(unpaced);
    report({
      name: 'full card read, software time (unpaced pty: all of it is software)',
      value: `p50 ${fmtUs(u.p50Us)}, p95 ${fmtUs(u.p95Us)}`,
      anchor: `same bytes raw over the pty p50 ${fmtUs(raw.p50Us)}, p95 ${fmtUs(raw.p95Us)}`,
      ratio: u.p50Us / raw.p50Us,
      goal: `≤ ${GOAL_MS} ms beyond wire time (p95)`,
      pass: u.p95Us <= GOAL_MS * 1000,
    });

    sim.setPacing(true);
    const total = new Float64Array(PACED_READS);
    const software = new Float64Array(PACED_READS);
    for (let i = 0; i < PACED_READS; i++) {
      const paced0 = sim.stats.deliberateDelayMs;
      const t0 = performance.now();
      await fullRead(link);
      const ms = performance.now() - t0;
      total[i] = ms * 1000;
      software[i] = (ms - (sim.stats.deliberateDelayMs - paced0)) * 1000;
    }
    const t = summarize(total);
    const s = summarize(software);
    report({
      name: 'full card read, paced at 115200 baud, total',
      value: `p50 ${fmtUs(t.p50Us)}, p95 ${fmtUs(t.p95Us)}`,
      anchor: `wire time ${WIRE_MS.toFixed(2)} ms (host→reader bytes are not paced: ${((REQUEST_BYTES * 10 * 1000) / BAUD).toFixed(2)} ms of it)`,
      ratio: t.p50Us / 1000 / WIRE_MS,
      goal: `≤ wire time + ${GOAL_MS} ms`,
      pass: t.p95Us / 1000 <= WIRE_MS + GOAL_MS,
    });
    report({
      name: 'full card read, paced, software time (total − simulator pacing)',
      value: `p50 ${fmtUs(s.p50Us)}, p95 ${fmtUs(s.p95Us)}`,
      anchor: `wire time ${WIRE_MS.toFixed(2)} ms`,
      ratio: s.p50Us / 1000 / WIRE_MS,
      goal: `≤ ${GOAL_MS} ms beyond wire time (p95)`,
      pass: s.p95Us <= GOAL_MS * 1000,
    });

    await link.close();
    await sim.close();
  } finally {
    if (socat && socat.exitCode === null) {
      const exited = new Promise((r) => socat!.once('exit', r));
      socat.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
