// `verikiosk read-card`: waits for a card on a serial SAM reader, reads it once and prints the
// decoded fields as one JSON object. The contract (options, keys, exit status) is fixed.
import { parseArgs } from 'node:util';
import { CardReaderError } from '../../drivers/card-reader/errors.js';
import { readCardOnce } from '../../drivers/card-reader/reader.js';
import type { CardRecord } from '../../drivers/card-reader/text.js';
import { UsageError, runCommand } from './args.js';

const HELP = `Usage: verikiosk read-card --port PATH [--baud N] [--timeout MS]

  --port PATH     the reader's serial port (prefer /dev/serial/by-id/… or a udev link)
  --baud N        line speed (default 115200)
  --timeout MS    how long to wait for a card (default 30000)

Prints one JSON object: type, name, sex, ethnicity, birthDate, address, number, authority,
validFrom, validTo, the fields of the card's type, flags (failed checks) and photo (base64 of
the 1,024-byte WLT block as read; photoFormat says which). Exit 0 when a card was read, 1 with
a one-line reason when no card came or the read failed, 2 for unusable arguments.
`;

const BAUDS = [115200, 57600, 38400, 19200, 9600];

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`--${name} ${value}: expected a positive whole number`);
  return Number(value);
}

/** The card as the command prints it: flat keys a calling program can read without the driver's types. */
export function cardJson(card: CardRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: card.kind,
    name: card.name,
    sex: card.sex,
    ethnicity: card.ethnicity ?? null,
    birthDate: card.birthDate,
    address: card.address ?? null,
    number: card.idNumber,
    authority: card.issuingAuthority ?? card.authorityCode ?? null,
    validFrom: card.validFrom,
    validTo: card.validTo,
  };
  const specific = {
    nameEnglish: card.nameEnglish,
    nationality: card.nationality,
    passNumber: card.passNumber,
    issueCount: card.issueCount,
    cardVersion: card.cardVersion,
    renewalCount: card.renewalCount,
    previousCardLink: card.previousCardLink,
  };
  for (const [key, value] of Object.entries(specific)) if (value !== undefined) out[key] = value;
  out.flags = card.flags;
  const decoded = card.photo.decoded;
  out.photoFormat = decoded ? decoded.mime : 'wlt';
  out.photo = Buffer.from(decoded ? decoded.bytes : card.photo.wlt).toString('base64');
  return out;
}

export async function run(argv: string[]): Promise<number> {
  return runCommand('read-card', async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        baud: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.port) throw new UsageError('--port PATH is required');
    const baud = positiveInt(values.baud, 'baud', 115200);
    if (!BAUDS.includes(baud)) throw new UsageError(`--baud ${baud}: the reader speaks ${BAUDS.join(', ')}`);
    const timeoutMs = positiveInt(values.timeout, 'timeout', 30_000);
    try {
      const card = await readCardOnce({ port: values.port, baud, timeoutMs });
      process.stdout.write(`${JSON.stringify(cardJson(card))}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof CardReaderError)) throw err;
      process.stderr.write(`verikiosk read-card: ${err.message} [${err.code}]\n`);
      return 1;
    }
  });
}
