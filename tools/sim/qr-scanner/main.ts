// The QR scanner simulator as a process: reads codes from stdin, one per line, and writes each
// to a serial port framed like a configured scanner. See README.md beside this file.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { TERMINATORS, type Terminator } from '../../../drivers/qr-scanner/parser.js';
import { QrScannerSimulator } from './simulator.js';

const USAGE = `usage: tsx tools/sim/qr-scanner/main.ts --port PATH [options] < codes.txt

Writes each stdin line (without its line ending; blank lines skipped) to PATH as one scan.

  --port PATH          serial device to write to, e.g. one end of a socat pty pair
  --terminator T       cr | lf | crlf | none (default cr)
  --prefix X           text sent before each code; escapes \\r \\n \\t \\xHH allowed
  --suffix Y           text sent after each code, before the terminator; same escapes
  --baud N             baud rate (default 9600)
  --split              cut each code into random small chunks with random pauses
  --max-chunk N        largest chunk with --split, in bytes (default 8)
  --max-delay MS       largest pause between chunks with --split (default 5)
  --gap MS             silence after each code with --terminator none (default 150)
  --help               this text

Prints "ready" on stderr once the port is open and "done" when stdin ends. Codes never
appear in its output (they are personal data).`;

function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|[rnt\\])/g, (_, e: string) =>
    e.startsWith('x') ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ r: '\r', n: '\n', t: '\t', '\\': '\\' } as Record<string, string>)[e] ?? e,
  );
}

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`--${name} must be a whole number (got ${JSON.stringify(value)})`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      terminator: { type: 'string', default: 'cr' },
      prefix: { type: 'string', default: '' },
      suffix: { type: 'string', default: '' },
      baud: { type: 'string' },
      split: { type: 'boolean', default: false },
      'max-chunk': { type: 'string' },
      'max-delay': { type: 'string' },
      gap: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.port) throw new TypeError('--port PATH is required');
  if (!(TERMINATORS as readonly string[]).includes(values.terminator)) {
    throw new TypeError(`--terminator must be one of ${TERMINATORS.join(', ')} (got ${JSON.stringify(values.terminator)})`);
  }
  const sim = await QrScannerSimulator.open(values.port, {
    terminator: values.terminator as Terminator,
    prefix: unescape(values.prefix),
    suffix: unescape(values.suffix),
    baudRate: wholeNumber('baud', values.baud, 9600),
    chunking: values.split ? { maxBytes: wholeNumber('max-chunk', values['max-chunk'], 8), maxDelayMs: wholeNumber('max-delay', values['max-delay'], 5) } : false,
    gapMs: wholeNumber('gap', values.gap, 150),
  });
  void sim.closed().then(({ disconnected }) => {
    if (!disconnected) return;
    console.error('qr-scanner sim: the port went away');
    process.exit(2);
  });
  console.error(`qr-scanner sim: ready on ${values.port}`);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let sent = 0;
  for await (const line of lines) {
    if (line === '') continue;
    await sim.send(line);
    sent += 1;
  }
  await sim.close();
  console.error(`qr-scanner sim: done, ${sent} codes sent`);
}

main().catch((err: unknown) => {
  console.error(`qr-scanner sim: ${err instanceof Error ? err.message : String(err)}`);
  console.error('run with --help for usage');
  process.exit(1);
});
