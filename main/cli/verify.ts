// `verikiosk verify`: verifies one scanned code offline and prints one JSON verdict. The
// contract (options, output keys, exit status) is fixed: other programs call it.
import { parseArgs } from 'node:util';
import { verifyCode } from '../verify/verifier.js';
import { UsageError, parseNow, readInputFile, readStdin, runCommand } from './args.js';
import { loadAnchorFiles, loadStatusFiles, loadTrustFiles } from './trust-files.js';

const HELP = `Usage: verikiosk verify [--anchor PEM]... [--trust FILE]... [--status FILE]... [--now ISO-8601] INPUT

  INPUT           the scanned text; "-" reads standard input, "@path" reads a file
  --anchor PEM    a public key (SubjectPublicKeyInfo PEM) trusted to sign lists
  --trust FILE    a TL1 trust list (checked against the anchors), or a PEM file of
                  certificates and/or public keys trusted directly
  --status FILE   an SL1 status list (checked against the anchors); a full list
                  followed by its deltas, in order
  --now ISO-8601  the validation time (default: the system clock)

Prints {"result", "reasons", "format", "kid", "subject"}. Exit 0 valid, 1 otherwise,
2 for unusable arguments or refused trust data.
`;

async function readCode(input: string): Promise<string> {
  let text: string;
  if (input === '-') text = await readStdin();
  else if (input.startsWith('@')) text = readInputFile(input.slice(1), 'input').toString('utf8');
  else text = input;
  // Files and pipes end in a newline the scanner never sent; Base45 itself may contain spaces.
  return text.replace(/[\r\n]+$/, '');
}

export async function run(argv: string[]): Promise<number> {
  return runCommand('verify', async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        anchor: { type: 'string', multiple: true, default: [] },
        trust: { type: 'string', multiple: true, default: [] },
        status: { type: 'string', multiple: true, default: [] },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('expected exactly one INPUT (the scanned text, "-" or "@file")');
    const now = parseNow(values.now);
    const anchors = loadAnchorFiles(values.anchor);
    const trust = loadTrustFiles(values.trust, anchors);
    const status = loadStatusFiles(values.status, anchors);
    const text = await readCode(positionals[0]!);

    // The command line states the time (or takes the system's): it is trusted by definition here.
    const v = verifyCode(text, { now, clockTrusted: true, trust, ...(status ? { status } : {}) });
    const out = {
      result: v.result,
      reasons: v.reasons,
      ...(v.format ? { format: v.format } : {}),
      ...(v.kid ? { kid: v.kid } : {}),
      ...(v.subject ? { subject: v.subject } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return v.result === 'valid' ? 0 : 1;
  });
}
