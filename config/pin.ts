// The operator PIN: hashed with scrypt (salted, parameters kept beside the hash) and compared in
// constant time; `verikiosk pin` writes the hash into a configuration file.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_PIN_KDF } from './defaults.js';

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64');

/** The `operator.pin` section of the configuration. */
export const PinHashSchema = z.strictObject({
  algorithm: z.literal('scrypt'),
  /** CPU/memory cost, a power of two. */
  N: z.number().int().min(1024).max(2 ** 20).refine((n) => (n & (n - 1)) === 0, 'expected a power of two'),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  keyLength: z.number().int().min(16).max(64),
  salt: base64,
  hash: base64,
});
export type PinHash = z.infer<typeof PinHashSchema>;

export const PIN_PATTERN = /^\d{4,12}$/;

function scrypt(pin: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(pin, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function kdfOptions(h: Pick<PinHash, 'N' | 'r' | 'p'>): ScryptOptions {
  // Node refuses scrypt above 32 MiB unless maxmem is raised: 128·N·r plus slack.
  return { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 1024 * 1024 };
}

/** Hashes a PIN of 4–12 digits with a fresh 16-byte salt. */
export async function hashPin(pin: string, params: Partial<Pick<PinHash, 'N' | 'r' | 'p' | 'keyLength'>> = {}): Promise<PinHash> {
  if (!PIN_PATTERN.test(pin)) throw new TypeError('an operator PIN is 4 to 12 digits');
  const { N, r, p, keyLength } = { ...DEFAULT_PIN_KDF, ...params };
  const salt = randomBytes(16);
  const key = await scrypt(pin, salt, keyLength, kdfOptions({ N, r, p }));
  return PinHashSchema.parse({ algorithm: 'scrypt', N, r, p, keyLength, salt: salt.toString('base64'), hash: key.toString('base64') });
}

/** True when `pin` hashes to `stored`. The comparison takes the same time wherever the bytes differ. */
export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  // A malformed PIN still costs one scrypt run, so timing does not tell it apart from a wrong one.
  const candidate = await scrypt(PIN_PATTERN.test(pin) ? pin : '', Buffer.from(stored.salt, 'base64'), expected.length, kdfOptions(stored));
  return candidate.length === expected.length && timingSafeEqual(candidate, expected) && PIN_PATTERN.test(pin);
}

/**
 * Sets `operator.pin` in the JSON configuration at `file` (other keys untouched; the file is
 * created when missing). Returns the hash written.
 */
export async function setPinInConfigFile(file: string, pin: string): Promise<PinHash> {
  let config: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError(`${file}: the configuration must be a JSON object`);
    config = parsed as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pinHash = await hashPin(pin);
  const operator = typeof config.operator === 'object' && config.operator !== null ? (config.operator as Record<string, unknown>) : {};
  config.operator = { ...operator, pin: pinHash };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return pinHash;
}

const HELP = `Usage: verikiosk pin --config FILE
       verikiosk pin --hash

Reads the new operator PIN (4–12 digits) from standard input, one line, and
  --config FILE  writes its scrypt hash into FILE as operator.pin (other keys kept)
  --hash         prints the operator.pin section as JSON instead
The PIN itself is never written anywhere.
`;

/** `verikiosk pin`: for main/cli's command table (`load: () => import('../../config/pin.js')`). */
export async function run(argv: string[], io: { stdin?: NodeJS.ReadableStream; write?: (text: string) => void } = {}): Promise<number> {
  const write = io.write ?? ((text: string) => void process.stdout.write(text));
  const [flag, file, ...rest] = argv;
  if (flag === '--help' || flag === '-h' || (flag !== '--hash' && flag !== '--config') || (flag === '--config' && !file) || rest.length > 0 || (flag === '--hash' && file)) {
    write(HELP);
    return flag === '--help' || flag === '-h' ? 0 : 2;
  }
  const pin = (await readLine(io.stdin ?? process.stdin)).trim();
  if (!PIN_PATTERN.test(pin)) {
    write('verikiosk pin: the PIN must be 4 to 12 digits\n');
    return 2;
  }
  if (flag === '--hash') {
    write(`${JSON.stringify(await hashPin(pin))}\n`);
    return 0;
  }
  await setPinInConfigFile(file!, pin);
  write(`operator.pin written to ${file}\n`);
  return 0;
}

async function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0] ?? '';
}
