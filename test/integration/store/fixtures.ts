// Shared set-up for the store and audit integration tests: temporary database files, a clock
// the test controls, and raw access for playing the attacker who edits the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditClock } from '../../../main/audit/index.js';

export interface TempDir {
  readonly path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(prefix = 'verikiosk-store-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestClock extends AuditClock {
  advance(ms: number): void;
  setTrusted(trusted: boolean): void;
}

export function testClock(startMs = 1_700_000_000_000, trusted = true): TestClock {
  let now = startMs;
  let mono = 1_000_000;
  let isTrusted = trusted;
  return {
    wallMs: () => now,
    trusted: () => isTrusted,
    monotonicUs: () => (mono += 10),
    bootId: 'test-boot',
    advance(ms) {
      now += ms;
      mono += ms * 1000;
    },
    setTrusted(value) {
      isTrusted = value;
    },
  };
}

/**
 * Edits the database behind the store's back, as someone holding the file could: the schema's
 * append-only triggers are dropped first, since such an attacker would drop them too.
 */
export function tamper(path: string, edit: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_record_append_only; DROP TRIGGER IF EXISTS audit_record_body_purge_only;');
    edit(db);
  } finally {
    db.close();
  }
}
