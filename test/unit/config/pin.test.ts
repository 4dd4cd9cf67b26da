// The operator PIN hash: scrypt with a fresh salt and its parameters kept beside it, checked in
// constant time; the `verikiosk pin` command writes it into a configuration file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PIN_KDF } from '../../../config/defaults.js';
import { PinHashSchema, hashPin, run, setPinInConfigFile, verifyPin } from '../../../config/pin.js';
import { loadConfig } from '../../../main/kiosk/config.js';

const cheap = { N: 1024 };

describe('hashPin / verifyPin', () => {
  it('hashes with scrypt and the default cost, and verifies only the right PIN', async () => {
    const hash = await hashPin('246810');
    expect(hash).toMatchObject({ algorithm: 'scrypt', ...DEFAULT_PIN_KDF });
    expect(PinHashSchema.parse(hash)).toEqual(hash);
    expect(Buffer.from(hash.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash.hash, 'base64')).toHaveLength(32);
    expect(await verifyPin('246810', hash)).toBe(true);
    expect(await verifyPin('246811', hash)).toBe(false);
    expect(await verifyPin('24681', hash)).toBe(false);
  });

  it('salts every hash afresh', async () => {
    const [a, b] = await Promise.all([hashPin('1234', cheap), hashPin('1234', cheap)]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(await verifyPin('1234', b)).toBe(true);
  });

  it('refuses a PIN that is not 4–12 digits, and never verifies one', async () => {
    for (const bad of ['123', '1234567890123', '12a4', '']) await expect(hashPin(bad, cheap)).rejects.toThrow('4 to 12 digits');
    const hash = await hashPin('1234', cheap);
    expect(await verifyPin('', hash)).toBe(false);
  });
});

describe('verikiosk pin', () => {
  it('writes operator.pin into a configuration, keeping its other keys, and the kiosk accepts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verikiosk-pin-'));
    try {
      const file = join(dir, 'kiosk.json');
      writeFileSync(file, JSON.stringify({ site: { profile: 'bank' }, trust: { anchors: [{ file: 'anchor.pem' }] }, operator: { idleLogoutSeconds: 60 } }));
      const out: string[] = [];
      expect(await run(['--config', file], { stdin: Readable.from(['97531\n']), write: (s) => out.push(s) })).toBe(0);
      expect(out.join('')).toContain('operator.pin written');
      const written = JSON.parse(readFileSync(file, 'utf8')) as { site: unknown; operator: { idleLogoutSeconds: number } };
      expect(written.site).toEqual({ profile: 'bank' });
      expect(written.operator.idleLogoutSeconds).toBe(60);
      expect(readFileSync(file, 'utf8')).not.toContain('97531');
      const config = loadConfig(file);
      expect(await verifyPin('97531', config.operator.pin!)).toBe(true);

      await setPinInConfigFile(join(dir, 'new.json'), '1357');
      expect(JSON.parse(readFileSync(join(dir, 'new.json'), 'utf8'))).toHaveProperty('operator.pin.algorithm', 'scrypt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the section with --hash, and refuses a bad PIN or bad arguments', async () => {
    const out: string[] = [];
    expect(await run(['--hash'], { stdin: Readable.from(['8642\n']), write: (s) => out.push(s) })).toBe(0);
    expect(PinHashSchema.parse(JSON.parse(out.join('')))).toMatchObject({ algorithm: 'scrypt' });
    expect(await run(['--hash'], { stdin: Readable.from(['86x2\n']), write: () => undefined })).toBe(2);
    expect(await run(['--config'], { stdin: Readable.from([]), write: () => undefined })).toBe(2);
    expect(await run(['--help'], { write: () => undefined })).toBe(0);
  });
});
