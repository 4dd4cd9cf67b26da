// The numbered schema migrations, in order. A migration is never edited once released: a
// change to the schema is a new file with the next number.
import type { Database } from 'better-sqlite3';
import { up as initial } from './001-initial.js';
import { up as replay } from './002-replay.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', up: initial },
  { version: 2, name: 'replay', up: replay },
];

/** The schema version this code writes; a database above it is refused. */
export const SCHEMA_VERSION = MIGRATIONS.length;
