// The card-reader simulator as a process: `tsx tools/sim/card-reader/main.ts --port PATH`
// (or `--link PATH`), controlled by one command per line on stdin (see HELP).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CARDS } from './fixtures.js';
import { CardReaderSimulator, type FaultTarget } from './simulator.js';

const HELP = `Usage: tsx tools/sim/card-reader/main.ts (--port PATH | --link PATH) [--baud 115200]

Speaks the SAM card-reader protocol on PATH (a serial device, or one end of a socat pty pair:
  socat -d -d pty,raw,echo=0,link=/tmp/reader pty,raw,echo=0,link=/tmp/host
then run this with --link /tmp/reader and point the kiosk at /tmp/host).

Prints "ready PATH" once the port is open. Then reads one command per line on stdin and
answers each with "ok …" or "error …" on stdout:

  place FIXTURE           put a card on the reader: ${Object.keys(CARDS).join(', ')}
  lift                    take the card away
  fail TARGET SW3 [N]     answer the next N (default 1) requests for TARGET with status SW3 (hex)
                          TARGET: status | find | select | read | any
  clear                   forget pending faults
  noise on|off            garbage with false preambles before every answer
  split BYTES DELAY_MS    write answers in chunks of BYTES with DELAY_MS between them
  split off
  glue on|off             send every answer twice in one write
  corrupt [N]             corrupt the checksum of the next N answers
  mute on|off             stop answering
  pace on|off             deliver answers at the baud rate (10 bits per byte)
  stats                   print counters as JSON
  quit                    close the port and exit
`;

function onOff(v: string | undefined): boolean {
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new Error('expected on or off');
}

function integer(v: string | undefined, what: string, radix = 10): number {
  const n = v === undefined ? NaN : Number.parseInt(v, radix);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative number`);
  return n;
}

function command(sim: CardReaderSimulator, words: string[]): string {
  const [verb, a, b, c] = words;
  switch (verb) {
    case 'place':
      if (!a) throw new Error('place needs a fixture name');
      sim.place(a);
      return `ok placed ${a}`;
    case 'lift':
      sim.lift();
      return 'ok lifted';
    case 'fail': {
      const targets: FaultTarget[] = ['status', 'find', 'select', 'read', 'any'];
      if (!targets.includes(a as FaultTarget)) throw new Error(`fail TARGET must be one of ${targets.join(', ')}`);
      const sw3 = integer(b, 'SW3', 16);
      if (sw3 > 0xff) throw new Error('SW3 must be one byte');
      sim.failNext(a as FaultTarget, sw3, c === undefined ? 1 : integer(c, 'N'));
      return `ok fail ${a} ${sw3.toString(16)}`;
    }
    case 'clear':
      sim.clearFaults();
      return 'ok cleared';
    case 'noise':
      sim.setNoise(onOff(a));
      return `ok noise ${a}`;
    case 'split':
      if (a === 'off') sim.setSplit(undefined);
      else sim.setSplit({ chunkBytes: integer(a, 'BYTES'), delayMs: integer(b, 'DELAY_MS') });
      return `ok split ${a}`;
    case 'glue':
      sim.setGlue(onOff(a));
      return `ok glue ${a}`;
    case 'corrupt':
      sim.corruptNext(a === undefined ? 1 : integer(a, 'N'));
      return 'ok corrupt';
    case 'mute':
      sim.setMuted(onOff(a));
      return `ok mute ${a}`;
    case 'pace':
      sim.setPacing(onOff(a));
      return `ok pace ${a}`;
    case 'stats':
      return `ok ${JSON.stringify(sim.stats)}`;
    default:
      throw new Error(`unknown command "${verb ?? ''}" (see --help)`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, link: { type: 'string' }, baud: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const path = values.port ?? values.link;
  if (!path) {
    process.stderr.write(`card-reader simulator: --port or --link is required\n\n${HELP}`);
    return 2;
  }
  const baudRate = values.baud ? Number(values.baud) : 115200;
  const sim = await CardReaderSimulator.openPath(path, { baudRate });
  process.stdout.write(`ready ${path}\n`);

  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words[0] === 'quit') break;
    try {
      process.stdout.write(`${command(sim, words)}\n`);
    } catch (err) {
      process.stdout.write(`error ${(err as Error).message}\n`);
    }
  }
  await sim.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`card-reader simulator: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
