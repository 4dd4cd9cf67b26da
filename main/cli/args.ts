// Argument plumbing shared by the sub-commands: a usage error type (exit 2) and file reading
// that turns a missing file into a one-line reason instead of a stack trace.
import { readFileSync } from 'node:fs';

/** Unusable arguments or refused input data: the command prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function readInputFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new UsageError(`${what} ${path}: ${why}`);
  }
}

/** `--now` as NumericDate seconds; the system clock when absent. */
export function parseNow(value: string | undefined): number {
  if (value === undefined) return Math.floor(Date.now() / 1000);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--now ${value}: not an ISO-8601 date and time`);
  return Math.floor(ms / 1000);
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs a sub-command body, mapping UsageError (and parse errors) to exit 2 with one line on stderr. */
export async function runCommand(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`verikiosk ${name}: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}
