// The `issuer` command: keys, EID1 codes, TL1/SL1 lists and the demo fixture set from the shell.
// Usage errors print one line and exit 2; anything else that fails exits 1.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildDemoFixtures } from './demo.js';
import { issueEid } from './eid.js';
import type { ClaimLabel } from './eid.js';
import { generateIssuerKey, isIssuerAlg, readIssuerKey, spkiFromPem, writeIssuerKey, ISSUER_ALGS } from './keys.js';
import { signStatusDelta, signStatusList, signTrustList } from './lists.js';
import type { StatusDocument, TrustListEntryInput } from './lists.js';
import { renderQrPng } from './qr.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `usage: issuer <command> [options]
  keygen   --alg ES256|EdDSA|PS256|SM2 --out PREFIX          writes PREFIX.key and PREFIX.pub.pem
  eid      --key K --iss ISS --claims JSON|@FILE [--ttl 300] [--iat T] [--no-compress]
           [--untagged] [--kid-unprotected] [--qr OUT.png]     prints the QR text
  tl       --anchor K --out FILE [--from FILE.json] [--seq N] [--iat T] [--nu T]
           [--entry iss=ISS,pub=FILE.pub.pem|cert=FILE,dt=CN-RIC+CN-HMT,nbf=T,exp=T,st=active]...
  sl       --anchor K --out FILE [--from FILE.json] [--seq N] [--iat T] [--nu T] [--salt HEX] [--doc DT:DN]...
  sl-delta --anchor K --out FILE [--from FILE.json] [--seq N] [--base N] [--iat T] [--nu T] --salt HEX
           [--add DT:DN]... [--del DT:DN]...
  demo     --out DIR [--now T] [--fresh-keys]
times T: NumericDate seconds, an ISO date, or relative to now: +300s, +12h, +7d, -1h`;

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

const COMMON: Options = { help: { type: 'boolean' } };
const LIST: Options = {
  anchor: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  seq: { type: 'string' },
  iat: { type: 'string' },
  nu: { type: 'string' },
};

const COMMANDS: Record<string, { options: Options; run: (values: Values, io: CommandOutput) => Promise<void> }> = {
  keygen: { options: { alg: { type: 'string' }, out: { type: 'string' } }, run: keygen },
  eid: {
    options: {
      key: { type: 'string' },
      iss: { type: 'string' },
      ttl: { type: 'string' },
      iat: { type: 'string' },
      claims: { type: 'string' },
      'no-compress': { type: 'boolean' },
      untagged: { type: 'boolean' },
      'kid-unprotected': { type: 'boolean' },
      qr: { type: 'string' },
    },
    run: eid,
  },
  tl: { options: { ...LIST, entry: { type: 'string', multiple: true } }, run: tl },
  sl: { options: { ...LIST, salt: { type: 'string' }, doc: { type: 'string', multiple: true } }, run: sl },
  'sl-delta': {
    options: {
      ...LIST,
      base: { type: 'string' },
      salt: { type: 'string' },
      add: { type: 'string', multiple: true },
      del: { type: 'string', multiple: true },
    },
    run: slDelta,
  },
  demo: { options: { out: { type: 'string' }, now: { type: 'string' }, 'fresh-keys': { type: 'boolean' } }, run: demo },
};

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Runs one command line (without the program name); returns the exit code. */
export async function runIssuerCommand(argv: readonly string[], io: CommandOutput = consoleOutput): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) throw new UsageError('no command given (issuer --help for usage)');
    if (name === '--help' || name === '-h' || name === 'help') {
      io.out(USAGE);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}" (one of ${Object.keys(COMMANDS).join(', ')}; --help for usage)`);
    let values: Values;
    try {
      ({ values } = parseArgs({ args: [...rest], options: { ...COMMON, ...command.options }, strict: true }));
    } catch (err) {
      throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
    }
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    await command.run(values, io);
    return 0;
  } catch (err) {
    const message = (err as Error).message?.split('\n')[0] ?? String(err);
    io.err(`issuer: ${message}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

const consoleOutput: CommandOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

// ── commands ────────────────────────────────────────────────────────────────

async function keygen(values: Values, io: CommandOutput): Promise<void> {
  const alg = required(values, 'alg');
  if (!isIssuerAlg(alg)) throw new UsageError(`--alg must be one of ${ISSUER_ALGS.join(', ')}`);
  const key = generateIssuerKey(alg);
  const files = writeIssuerKey(key, required(values, 'out'));
  io.out(`${alg} kid ${hex(key.kid)}: ${files.keyFile}, ${files.publicFile}`);
}

const HolderSchema = z
  .object({
    documentType: z.string(),
    documentNumber: z.string(),
    name: z.string(),
    latinName: z.string().optional(),
    sex: z.number().int(),
    ethnicity: z.string().optional(),
    nationality: z.string().optional(),
    birthDate: z.string(),
    address: z.string().optional(),
    authority: z.string(),
    validFrom: z.string(),
    validTo: z.string().nullable().optional(),
    portraitHash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'hex SHA-256').optional(),
    /** Raw eid-map entries set last (null removes one), for deliberately malformed codes. */
    eid: z.record(z.string(), z.unknown()).optional(),
    /** Raw CWT claims by label, same rule. */
    claims: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

async function eid(values: Values, io: CommandOutput): Promise<void> {
  const key = readIssuerKey(required(values, 'key'));
  const parsed = HolderSchema.safeParse(jsonArgument(required(values, 'claims'), '--claims'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--claims: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { eid: rawEid, claims: rawClaims, ...holder } = parsed.data;
  const now = Math.floor(Date.now() / 1000);
  const issued = issueEid(
    key,
    {
      iss: required(values, 'iss'),
      holder,
      iat: values.iat === undefined ? now : time(values, 'iat', now),
      ttl: values.ttl === undefined ? undefined : integer(values, 'ttl'),
      ...(rawEid ? { eid: Object.fromEntries(Object.entries(rawEid).map(([k, v]) => [k, v ?? undefined])) } : {}),
      ...(rawClaims ? { claims: new Map(Object.entries(rawClaims).map(([k, v]) => [claimLabel(k), v ?? undefined])) } : {}),
    },
    {
      compress: !values['no-compress'],
      tagged: !values.untagged,
      kidIn: values['kid-unprotected'] ? 'unprotected' : 'protected',
    },
  );
  if (typeof values.qr === 'string') await renderQrPng(issued.text, { file: values.qr });
  io.out(issued.text);
}

async function tl(values: Values, io: CommandOutput): Promise<void> {
  const anchor = readIssuerKey(required(values, 'anchor'));
  const now = Math.floor(Date.now() / 1000);
  const file = fromFile(values);
  const entries: TrustListEntryInput[] = [];
  const jsonKeys = file.json.keys;
  if (jsonKeys !== undefined && !Array.isArray(jsonKeys)) throw new UsageError('--from: "keys" must be an array');
  for (const entry of (jsonKeys ?? []) as unknown[]) entries.push(trustEntry(fieldsOfJson(entry), file.dir, now));
  for (const spec of strings(values, 'entry')) entries.push(trustEntry(fieldsOfSpec(spec), process.cwd(), now));
  if (entries.length === 0) throw new UsageError('a trust list needs at least one --entry (or "keys" in --from)');
  const bytes = signTrustList(anchor, { ...listHeader(values, file.json, now), keys: entries });
  writeFileSync(required(values, 'out'), bytes);
  io.out(`wrote ${required(values, 'out')}: TL1, ${entries.length} keys, ${bytes.length} bytes`);
}

async function sl(values: Values, io: CommandOutput): Promise<void> {
  const anchor = readIssuerKey(required(values, 'anchor'));
  const now = Math.floor(Date.now() / 1000);
  const file = fromFile(values);
  const salt = saltOf(values, file.json) ?? new Uint8Array(randomBytes(16));
  const documents = [...documentsOfJson(file.json.documents, 'documents'), ...strings(values, 'doc').map(documentOfSpec)];
  const bytes = signStatusList(anchor, { ...listHeader(values, file.json, now), salt, documents });
  writeFileSync(required(values, 'out'), bytes);
  io.out(`wrote ${required(values, 'out')}: SL1 full, ${documents.length} documents, salt ${hex(salt)}`);
}

async function slDelta(values: Values, io: CommandOutput): Promise<void> {
  const anchor = readIssuerKey(required(values, 'anchor'));
  const now = Math.floor(Date.now() / 1000);
  const file = fromFile(values);
  const salt = saltOf(values, file.json);
  if (!salt) throw new UsageError('a delta needs --salt (the series\' salt, from its full list)');
  const base = values.base !== undefined ? integer(values, 'base') : file.json.base;
  if (typeof base !== 'number') throw new UsageError('missing --base');
  const add = [...documentsOfJson(file.json.add, 'add'), ...strings(values, 'add').map(documentOfSpec)];
  const del = [...documentsOfJson(file.json.del, 'del'), ...strings(values, 'del').map(documentOfSpec)];
  const bytes = signStatusDelta(anchor, { ...listHeader(values, file.json, now), base, salt, add, del });
  writeFileSync(required(values, 'out'), bytes);
  io.out(`wrote ${required(values, 'out')}: SL1 delta on ${base}, +${add.length} −${del.length}`);
}

async function demo(values: Values, io: CommandOutput): Promise<void> {
  const dir = required(values, 'out');
  const now = Math.floor(Date.now() / 1000);
  const manifest = await buildDemoFixtures(dir, {
    now: values.now === undefined ? now : time(values, 'now', now),
    reuseKeys: !values['fresh-keys'],
  });
  io.out(`wrote ${dir}: anchor kid ${manifest.anchor.kid}, ${manifest.issuers.length} issuer keys, ${manifest.codes.length} codes`);
}

// ── argument helpers ────────────────────────────────────────────────────────

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`missing --${name}`);
  return value;
}

function strings(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function integer(values: Values, name: string): number {
  const text = required(values, name);
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${name} must be an integer, got "${text}"`);
  return Number(text);
}

function time(values: Values, name: string, now: number): number {
  return parseTime(required(values, name), now, `--${name}`);
}

/** NumericDate seconds, `+7d`-style offsets from now, or an ISO date. */
export function parseTime(text: string, now: number, what: string): number {
  if (/^-?\d+$/.test(text)) return Number(text);
  const relative = /^([+-])(\d+)([smhd])$/.exec(text);
  if (relative) {
    const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[relative[3] as 's' | 'm' | 'h' | 'd'];
    return now + (relative[1] === '-' ? -1 : 1) * Number(relative[2]) * unit;
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${what}: "${text}" is not a time (seconds, +7d, or an ISO date)`);
  return Math.floor(ms / 1000);
}

function claimLabel(text: string): ClaimLabel {
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

function jsonArgument(value: string, what: string): unknown {
  const text = value.startsWith('@') ? readText(value.slice(1), what) : value;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what}: not JSON (${(err as Error).message})`);
  }
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${what}: cannot read ${file}`);
  }
}

interface JsonFile {
  readonly json: Record<string, unknown>;
  /** File references inside the JSON are relative to it. */
  readonly dir: string;
}

function fromFile(values: Values): JsonFile {
  if (typeof values.from !== 'string') return { json: {}, dir: process.cwd() };
  const json = jsonArgument(`@${values.from}`, '--from');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError('--from: expected a JSON object');
  return { json: json as Record<string, unknown>, dir: dirname(resolve(values.from)) };
}

function listHeader(values: Values, json: Record<string, unknown>, now: number): { seq: number; iat: number; nu: number } {
  const pick = (name: 'seq' | 'iat' | 'nu'): number | undefined => {
    if (values[name] !== undefined) return name === 'seq' ? integer(values, name) : time(values, name, now);
    const fromJson = json[name];
    if (fromJson === undefined) return undefined;
    if (typeof fromJson === 'number') return fromJson;
    if (typeof fromJson === 'string' && name !== 'seq') return parseTime(fromJson, now, `--from ${name}`);
    throw new UsageError(`--from: "${name}" must be a number`);
  };
  const seq = pick('seq');
  const nu = pick('nu');
  if (seq === undefined) throw new UsageError('missing --seq');
  if (nu === undefined) throw new UsageError('missing --nu');
  return { seq, iat: pick('iat') ?? now, nu };
}

function saltOf(values: Values, json: Record<string, unknown>): Uint8Array | undefined {
  const text = typeof values.salt === 'string' ? values.salt : json.salt;
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || !/^[0-9a-fA-F]{32}$/.test(text)) throw new UsageError('salt must be 32 hex digits (16 bytes)');
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function documentOfSpec(spec: string): StatusDocument {
  const at = spec.indexOf(':');
  if (at <= 0 || at === spec.length - 1) throw new UsageError(`document "${spec}": expected DT:DN, e.g. CN-RIC:11010519491231002X`);
  return { dt: spec.slice(0, at), dn: spec.slice(at + 1) };
}

function documentsOfJson(value: unknown, what: string): StatusDocument[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UsageError(`--from: "${what}" must be an array`);
  return value.map((doc) => {
    if (typeof doc === 'string') return documentOfSpec(doc);
    const { dt, dn } = (doc ?? {}) as Record<string, unknown>;
    if (typeof dt !== 'string' || typeof dn !== 'string') throw new UsageError(`--from: "${what}" entries need dt and dn strings`);
    return { dt, dn };
  });
}

/** `iss=…,pub=…,dt=A+B,nbf=…,exp=…,st=…` as fields. */
function fieldsOfSpec(spec: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const part of spec.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) throw new UsageError(`--entry "${spec}": expected name=value pairs separated by commas`);
    const name = part.slice(0, at);
    const value = part.slice(at + 1);
    fields[name] = name === 'dt' ? value.split('+').filter(Boolean) : value;
  }
  return fields;
}

function fieldsOfJson(entry: unknown): Record<string, unknown> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new UsageError('--from: each key entry must be an object');
  return entry as Record<string, unknown>;
}

const ENTRY_FIELDS = new Set(['iss', 'pub', 'cert', 'dt', 'nbf', 'exp', 'st']);

function trustEntry(fields: Record<string, unknown>, dir: string, now: number): TrustListEntryInput {
  for (const name of Object.keys(fields)) {
    if (!ENTRY_FIELDS.has(name)) throw new UsageError(`trust list entry: unknown field "${name}" (${[...ENTRY_FIELDS].join(', ')})`);
  }
  const { iss, pub, cert, dt, nbf, exp, st } = fields;
  if (typeof iss !== 'string' || iss === '') throw new UsageError('trust list entry: needs iss');
  if ((typeof pub === 'string') === (typeof cert === 'string')) throw new UsageError(`trust list entry ${iss}: needs exactly one of pub or cert`);
  if (dt !== undefined && !(Array.isArray(dt) && dt.every((d) => typeof d === 'string'))) {
    throw new UsageError(`trust list entry ${iss}: dt must be a list of document types`);
  }
  const when = (value: unknown, name: string): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === 'number') return value;
    if (typeof value === 'string') return parseTime(value, now, `entry ${iss} ${name}`);
    throw new UsageError(`trust list entry ${iss}: ${name} must be a time`);
  };
  if (st !== undefined && st !== 'active' && st !== 'revoked') throw new UsageError(`trust list entry ${iss}: st must be active or revoked`);
  const nbfValue = when(nbf, 'nbf');
  const expValue = when(exp, 'exp');
  return {
    iss,
    ...(typeof pub === 'string' ? { spki: spkiFromPem(readText(resolve(dir, pub), `entry ${iss} pub`)) } : {}),
    ...(typeof cert === 'string' ? { x5c: certificateDer(readText(resolve(dir, cert), `entry ${iss} cert`), resolve(dir, cert)) } : {}),
    ...(dt !== undefined ? { dt: dt as string[] } : {}),
    ...(nbfValue !== undefined ? { nbf: nbfValue } : {}),
    ...(expValue !== undefined ? { exp: expValue } : {}),
    ...(st !== undefined ? { st } : {}),
  };
}

/** A certificate file as DER: PEM text is unwrapped, anything else is read as DER bytes. */
function certificateDer(text: string, file: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(text);
  if (match?.[1]) return new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
  return new Uint8Array(readFileSync(file));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await runIssuerCommand(process.argv.slice(2));
}
