// `verikiosk decode`: reads the QR code in each PNG/JPEG image, in order, through the camera's
// decoder. The contract (output lines, keys, exit status) is fixed: other programs call it.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ImageError } from '../../drivers/camera/image.js';
import { QrImageDecoder } from '../../drivers/camera/decode.js';
import { UsageError, runCommand } from './args.js';

const HELP = `Usage: verikiosk decode [--json] IMAGE...

  IMAGE    a PNG or JPEG file holding a QR code ("--" before names that start with "-")
  --json   one JSON object a line instead of readable lines

Prints exactly one line per IMAGE, in the order given:
  --json:   {"file": "<IMAGE as given>", "text": "<decoded text>" | null, "ms": <decode ms>}
            text is null when the image holds no readable code. An IMAGE that cannot be
            used (missing, unreadable, not PNG/JPEG, too large, corrupt) still gets its line,
            with text null and an extra key "error": "unreadable_file" | "not_an_image" |
            "image_too_large" | "corrupt_image"; the reason also goes to stderr.
  readable: IMAGE: "<decoded text, JSON-quoted>" | IMAGE: no code | IMAGE: unusable (<error>)
ms is the time spent decoding that image (pixels and QR), in milliseconds.

Exit 0 when every image was read, 1 when some image holds no readable code, 2 when some
IMAGE could not be used (2 wins over 1) or for unusable arguments (then nothing is printed).
`;

interface Line {
  file: string;
  text: string | null;
  ms: number;
  error?: string;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export async function run(argv: string[]): Promise<number> {
  return runCommand('decode', async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('expected at least one IMAGE (a PNG or JPEG file)');

    const decoder = new QrImageDecoder();
    let unusable = false;
    let unread = false;
    try {
      for (const file of positionals) {
        const t0 = performance.now();
        let line: Line;
        try {
          const r = await decoder.decode(file);
          line = { file, text: r.text, ms: round(r.ms) };
          if (r.text === null) unread = true;
        } catch (err) {
          if (!(err instanceof ImageError)) throw err;
          unusable = true;
          line = { file, text: null, ms: round(performance.now() - t0), error: err.code };
          process.stderr.write(`verikiosk decode: ${file}: ${err.message}\n`);
        }
        process.stdout.write(`${values.json ? JSON.stringify(line) : readable(line)}\n`);
      }
    } finally {
      await decoder.close();
    }
    return unusable ? 2 : unread ? 1 : 0;
  });
}

function readable(line: Line): string {
  if (line.error) return `${line.file}: unusable (${line.error})`;
  return line.text === null ? `${line.file}: no code` : `${line.file}: ${JSON.stringify(line.text)}`;
}
