// The kiosk's data directory on the command line (`--data DIR`): where its database lives, and
// the difference between a command that may create it and one that must find it.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './args.js';

/** The kiosk database's file name inside the data directory. */
export const KIOSK_DATABASE = 'kiosk.db';

/**
 * The kiosk database in `dir`. `create`: the directory is made (owner-only) when missing;
 * otherwise the database must already be there — a typo must not leave an empty new one behind.
 */
export function kioskDatabasePath(dir: string | undefined, options: { create: boolean }): string {
  if (!dir) throw new UsageError('--data DIR is required (the kiosk data directory)');
  const path = join(dir, KIOSK_DATABASE);
  if (options.create) {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--data ${dir}: not a directory`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return path;
  }
  if (!existsSync(path)) throw new UsageError(`--data ${dir}: no kiosk database (${KIOSK_DATABASE}) there`);
  return path;
}
