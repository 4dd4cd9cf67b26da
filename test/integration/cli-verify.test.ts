// The fixed contract of `verikiosk verify` and `verikiosk lists inspect`, run as other programs
// run them: the built command in a child process, real files, stdout/stderr/exit status.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SAMPLE_HOLDERS,
  generateIssuerKey,
  issueEid,
  signStatusDelta,
  signStatusList,
  signTrustList,
  toPem,
  type EidHolder,
} from '../../tools/issuer/index.js';

const BIN = 'bin/verikiosk.js';
const NOW = 1_750_000_000;
const NOW_ISO = new Date(NOW * 1000).toISOString();
const DAY = 86_400;

const bureau = generateIssuerKey('ES256');
const foreignBureau = generateIssuerKey('EdDSA');
const issuer = generateIssuerKey('ES256');
const directIssuer = generateIssuerKey('EdDSA');

const holder: EidHolder = SAMPLE_HOLDERS.zhangSan;
const revokedHolder: EidHolder = { ...holder, documentNumber: SAMPLE_HOLDERS.wangWu.documentNumber, birthDate: SAMPLE_HOLDERS.wangWu.birthDate };
const doc = (h: EidHolder) => ({ dt: h.documentType, dn: h.documentNumber });
const SALT = new Uint8Array(16).fill(3);

/** A DCC conformance case whose signature is expected to verify: its code, certificate and clock. */
const DCC_CASE = JSON.parse(readFileSync('../shared/corpus/dcc/DE/2DCode/raw/1.json', 'utf8')) as {
  PREFIX: string;
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
  EXPECTEDRESULTS: { EXPECTEDVERIFY: boolean };
};

let dir: string;
const path = (name: string) => join(dir, name);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], input?: string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: input ?? '', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The one JSON object `verify` must print, and nothing else. */
function verdictOf(run: Run): Record<string, unknown> {
  const lines = run.stdout.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  const parsed = JSON.parse(lines[0]!) as unknown;
  expect(parsed).toBeTypeOf('object');
  expect(Array.isArray(parsed)).toBe(false);
  return parsed as Record<string, unknown>;
}

/** Exit 2: nothing on stdout, one line on stderr. */
function expectUsageFailure(run: Run, mentions: RegExp): void {
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(mentions);
}

const code = (h: EidHolder = holder, iat = NOW) => issueEid(issuer, { iss: 'CN-BJ-PSB', holder: h, iat }).text;
const withLists = ['--anchor', '', '--trust', ''];

beforeAll(() => {
  if (!existsSync('dist/main/cli/index.js')) throw new Error('the CLI is not built: run `npm run build` first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'cli-verify-'));
  writeFileSync(path('anchor.pem'), bureau.publicKeyPem());
  writeFileSync(path('foreign-anchor.pem'), foreignBureau.publicKeyPem());
  const tl = signTrustList(bureau, {
    seq: 3,
    iat: NOW,
    nu: NOW + 7 * DAY,
    keys: [{ iss: 'CN-BJ-PSB', spki: issuer.spki, dt: ['CN-RIC'], nbf: NOW - DAY, exp: NOW + 365 * DAY }],
  });
  writeFileSync(path('trust.tl1'), tl);
  const tampered = Buffer.from(tl);
  const at = tampered.indexOf(Buffer.from('CN-BJ-PSB'));
  tampered[at + 3] = 'X'.charCodeAt(0);
  writeFileSync(path('tampered.tl1'), tampered);
  writeFileSync(
    path('foreign.tl1'),
    signTrustList(foreignBureau, { seq: 4, iat: NOW, nu: NOW + 7 * DAY, keys: [{ iss: 'CN-BJ-PSB', spki: issuer.spki }] }),
  );
  writeFileSync(path('keys.pem'), directIssuer.publicKeyPem() + issuer.publicKeyPem());
  writeFileSync(path('dcc-cert.pem'), toPem(Buffer.from(DCC_CASE.TESTCTX.CERTIFICATE, 'base64'), 'CERTIFICATE'));
  writeFileSync(path('status-1.sl1'), signStatusList(bureau, { seq: 1, iat: NOW, nu: NOW + 7 * DAY, salt: SALT, documents: [doc(revokedHolder)] }));
  writeFileSync(
    path('status-2.sl1'),
    signStatusDelta(bureau, { seq: 2, base: 1, iat: NOW, nu: NOW + 7 * DAY, salt: SALT, del: [doc(revokedHolder)], add: [doc(holder)] }),
  );
  writeFileSync(path('status-3-on-1.sl1'), signStatusDelta(bureau, { seq: 3, base: 1, iat: NOW, nu: NOW + 7 * DAY, salt: SALT, add: [] }));
  writeFileSync(path('code.txt'), `${code()}\n`);
  withLists[1] = path('anchor.pem');
  withLists[3] = path('trust.tl1');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('verikiosk verify: INPUT', () => {
  const expectValid = (run: Run) => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const v = verdictOf(run);
    expect(Object.keys(v).sort()).toEqual(['format', 'kid', 'reasons', 'result', 'subject']);
    expect(v).toMatchObject({ result: 'valid', reasons: [], format: 'eid', kid: Buffer.from(issuer.kid).toString('hex') });
    expect(v.subject).toMatchObject({ documentType: 'CN-RIC', documentNumber: holder.documentNumber, name: '张三', birthDate: '1990-03-07', validTo: '2040-05-01' });
  };

  it('as an argument', () => {
    expectValid(cli(['verify', ...withLists, '--now', NOW_ISO, code()]));
  });

  it('"-" reads standard input (a trailing newline is not part of the code)', () => {
    expectValid(cli(['verify', ...withLists, '--now', NOW_ISO, '-'], `${code()}\n`));
  });

  it('"@file" reads a file', () => {
    expectValid(cli(['verify', ...withLists, '--now', NOW_ISO, `@${path('code.txt')}`]));
  });

  it('options may follow INPUT', () => {
    expectValid(cli(['verify', code(), '--now', NOW_ISO, ...withLists]));
  });
});

describe('verikiosk verify: trust sources', () => {
  it('without --trust nothing is trusted: unknown_kid, exit 1', () => {
    const run = cli(['verify', '--now', NOW_ISO, code()]);
    expect(run.status).toBe(1);
    expect(verdictOf(run)).toEqual({ result: 'invalid', reasons: ['unknown_kid'], format: 'eid', kid: Buffer.from(issuer.kid).toString('hex') });
  });

  it('a PEM of public keys trusted directly (no anchor needed, no issuer rule)', () => {
    const run = cli(['verify', '--trust', path('keys.pem'), '--now', NOW_ISO, issueEid(directIssuer, { iss: 'anyone', holder, iat: NOW }).text]);
    expect(run.status).toBe(0);
    expect(verdictOf(run)).toMatchObject({ result: 'valid', kid: Buffer.from(directIssuer.kid).toString('hex') });
  });

  it('a PEM certificate with an EU DCC conformance code at its validation clock: valid, format dcc', () => {
    expect(DCC_CASE.EXPECTEDRESULTS.EXPECTEDVERIFY).toBe(true);
    const run = cli(['verify', '--trust', path('dcc-cert.pem'), '--now', DCC_CASE.TESTCTX.VALIDATIONCLOCK, DCC_CASE.PREFIX]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const v = verdictOf(run);
    expect(v).toMatchObject({ result: 'valid', reasons: [], format: 'dcc' });
    expect(v.kid).toMatch(/^[0-9a-f]{16}$/);
    expect(v.subject).toMatchObject({ familyName: 'Mustermann', givenName: 'Erika' });
  });

  it('a PEM certificate behind a long text dump (as `openssl x509 -text` writes it) is still PEM', () => {
    const dump = `Certificate:\n    Data:\n        Version: 3 (0x2)\n${'        (a dump of the certificate fields, as OpenSSL prints them)\n'.repeat(8)}`;
    writeFileSync(path('dcc-cert-text.pem'), dump + readFileSync(path('dcc-cert.pem'), 'utf8'));
    const run = cli(['verify', '--trust', path('dcc-cert-text.pem'), '--now', DCC_CASE.TESTCTX.VALIDATIONCLOCK, DCC_CASE.PREFIX]);
    expect(run.stderr).toBe('');
    expect(verdictOf(run)).toMatchObject({ result: 'valid', format: 'dcc' });
  });

  it('the same DCC code a year later: its certificate and the code have expired', () => {
    const run = cli(['verify', '--trust', path('dcc-cert.pem'), '--now', '2031-06-01T00:00:00Z', DCC_CASE.PREFIX]);
    expect(run.status).toBe(1);
    expect(verdictOf(run)).toMatchObject({ result: 'invalid', format: 'dcc' });
    expect(verdictOf(run).reasons).toContain('expired');
  });

  it('several --trust files answer together', () => {
    const run = cli(['verify', ...withLists, '--trust', path('keys.pem'), '--now', NOW_ISO, issueEid(directIssuer, { iss: 'x', holder, iat: NOW }).text]);
    expect(run.status).toBe(0);
  });
});

describe('verikiosk verify: --status and --now', () => {
  it('a full status list revokes', () => {
    const run = cli(['verify', ...withLists, '--status', path('status-1.sl1'), '--now', NOW_ISO, code(revokedHolder)]);
    expect(run.status).toBe(1);
    expect(verdictOf(run)).toMatchObject({ result: 'invalid', reasons: ['revoked'], format: 'eid' });
  });

  it('full then delta: the delta removes one document and adds another', () => {
    const status = ['--status', path('status-1.sl1'), '--status', path('status-2.sl1')];
    const unrevoked = cli(['verify', ...withLists, ...status, '--now', NOW_ISO, code(revokedHolder)]);
    expect(unrevoked.status).toBe(0);
    expect(verdictOf(unrevoked)).toMatchObject({ result: 'valid' });
    const revoked = cli(['verify', ...withLists, ...status, '--now', NOW_ISO, code(holder)]);
    expect(revoked.status).toBe(1);
    expect(verdictOf(revoked)).toMatchObject({ result: 'invalid', reasons: ['revoked'] });
  });

  it('--now decides: the same code ten minutes later is expired; a week past nu + grace the lists are stale', () => {
    const later = cli(['verify', ...withLists, '--now', new Date((NOW + 600) * 1000).toISOString(), code()]);
    expect(later.status).toBe(1);
    expect(verdictOf(later)).toMatchObject({ result: 'invalid', reasons: ['expired'] });
    const muchLater = NOW + 14 * DAY;
    const stale = cli(['verify', ...withLists, '--status', path('status-1.sl1'), '--now', new Date(muchLater * 1000).toISOString(), code(holder, muchLater)]);
    expect(stale.status).toBe(1);
    expect(verdictOf(stale)).toMatchObject({ result: 'cannot_validate', reasons: ['stale_trust_list', 'stale_status_list'] });
  });

  it('--now with a time zone offset', () => {
    const run = cli(['verify', ...withLists, '--now', '2025-06-15T23:06:40+08:00', code()]);
    expect(run.status).toBe(0);
  });

  it('without --now the system clock is used', () => {
    // Keys installed directly have no list freshness or key validity: only the clock decides.
    const nowCode = (iat: number) => issueEid(directIssuer, { iss: 'x', holder, iat }).text;
    const current = cli(['verify', '--trust', path('keys.pem'), nowCode(Math.floor(Date.now() / 1000))]);
    expect(current.status).toBe(0);
    expect(verdictOf(current)).toMatchObject({ result: 'valid' });
    const old = cli(['verify', '--trust', path('keys.pem'), nowCode(NOW)]);
    expect(verdictOf(old)).toMatchObject({ result: 'invalid', reasons: ['expired'] });
  });
});

describe('verikiosk verify: other results exit 1 with what is known', () => {
  it('unreadable: format known, no kid, no subject', () => {
    const run = cli(['verify', ...withLists, '--now', NOW_ISO, 'EID1:abc']);
    expect(run.status).toBe(1);
    expect(verdictOf(run)).toEqual({ result: 'unreadable', reasons: ['bad_base45'], format: 'eid' });
  });

  it('unsupported: only result and reasons', () => {
    const run = cli(['verify', '--now', NOW_ISO, 'HC9:XYZ']);
    expect(run.status).toBe(1);
    expect(verdictOf(run)).toEqual({ result: 'unsupported', reasons: ['unknown_prefix'] });
  });

  it('bad signature: kid known, no subject', () => {
    const bad = issueEid(issuer, { iss: 'CN-BJ-PSB', holder, iat: NOW }, { corruptSignature: true }).text;
    const run = cli(['verify', ...withLists, '--now', NOW_ISO, bad]);
    expect(run.status).toBe(1);
    expect(verdictOf(run)).toEqual({ result: 'invalid', reasons: ['bad_signature'], format: 'eid', kid: Buffer.from(issuer.kid).toString('hex') });
  });

  it('an empty file is an empty code: unknown_prefix, not a crash', () => {
    writeFileSync(path('empty.txt'), '');
    const run = cli(['verify', `@${path('empty.txt')}`]);
    expect(run.status).toBe(1);
    expect(verdictOf(run)).toEqual({ result: 'unsupported', reasons: ['unknown_prefix'] });
  });
});

describe('verikiosk verify: exit 2 with one line on stderr', () => {
  it('an unknown option', () => {
    expectUsageFailure(cli(['verify', '--bogus', code()]), /bogus/);
  });

  it('no INPUT, or two', () => {
    expectUsageFailure(cli(['verify', ...withLists]), /INPUT/);
    expectUsageFailure(cli(['verify', code(), code()]), /INPUT/);
  });

  it('a missing file: INPUT, --trust, --anchor, --status', () => {
    expectUsageFailure(cli(['verify', `@${path('nope.txt')}`]), /nope\.txt.*no such file/);
    expectUsageFailure(cli(['verify', '--trust', path('nope.tl1'), code()]), /nope\.tl1/);
    expectUsageFailure(cli(['verify', '--anchor', path('nope.pem'), code()]), /nope\.pem/);
    expectUsageFailure(cli(['verify', ...withLists, '--status', path('nope.sl1'), code()]), /nope\.sl1/);
  });

  it.each(['yesterday', '2025-13-45T00:00:00Z', '1750000000', ''])('a bad --now %j', (now) => {
    expectUsageFailure(cli(['verify', '--now', now, code()]), /--now/);
  });

  it('a TL1 without anchors', () => {
    expectUsageFailure(cli(['verify', '--trust', path('trust.tl1'), code()]), /anchor/);
  });

  it('an SL1 without anchors', () => {
    expectUsageFailure(cli(['verify', '--status', path('status-1.sl1'), code()]), /anchor/);
  });

  it('a TL1 signed by a foreign key', () => {
    expectUsageFailure(cli(['verify', '--anchor', path('anchor.pem'), '--trust', path('foreign.tl1'), code()]), /unknown_anchor/);
  });

  it('a tampered TL1', () => {
    expectUsageFailure(cli(['verify', '--anchor', path('anchor.pem'), '--trust', path('tampered.tl1'), code()]), /bad_list_signature/);
  });

  it('a status delta on the wrong base', () => {
    const status = ['--status', path('status-1.sl1'), '--status', path('status-2.sl1'), '--status', path('status-3-on-1.sl1')];
    expectUsageFailure(cli(['verify', ...withLists, ...status, code()]), /delta_base_mismatch/);
    expectUsageFailure(cli(['verify', ...withLists, '--status', path('status-2.sl1'), code()]), /delta_base_mismatch/);
  });

  it('a status sequence that rolls back', () => {
    const status = ['--status', path('status-1.sl1'), '--status', path('status-2.sl1'), '--status', path('status-1.sl1')];
    expectUsageFailure(cli(['verify', ...withLists, ...status, code()]), /rolled_back/);
  });

  it('an anchor file that holds no public key', () => {
    expectUsageFailure(cli(['verify', '--anchor', path('dcc-cert.pem'), code()]), /anchor/);
  });
});

describe('verikiosk lists inspect', () => {
  const inspect = (...args: string[]) => cli(['lists', 'inspect', ...args]);
  const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown>;

  it('a TL1 without anchors: its content, signature not checked, exit 0', () => {
    const run = inspect(path('trust.tl1'));
    expect(run.status).toBe(0);
    const report = json(run);
    expect(report).toMatchObject({
      kind: 'TL1',
      seq: 3,
      iat: NOW_ISO,
      signer: { kid: Buffer.from(bureau.kid).toString('hex'), alg: -7, algName: 'ES256' },
      signature: { status: 'not_checked' },
    });
    expect(report.keys).toMatchObject({ count: 1, entries: [{ kid: Buffer.from(issuer.kid).toString('hex'), iss: 'CN-BJ-PSB', dt: ['CN-RIC'], status: 'active', source: 'spki' }] });
  });

  it('a TL1 with its anchor: signature valid, exit 0', () => {
    const run = inspect('--anchor', path('anchor.pem'), path('trust.tl1'));
    expect(run.status).toBe(0);
    expect(json(run).signature).toEqual({ status: 'valid', anchorKid: Buffer.from(bureau.kid).toString('hex') });
  });

  it('a TL1 with a foreign anchor: unknown_anchor, exit 1', () => {
    const run = inspect('--anchor', path('foreign-anchor.pem'), path('trust.tl1'));
    expect(run.status).toBe(1);
    expect(json(run).signature).toMatchObject({ status: 'unknown_anchor' });
  });

  it('a tampered TL1 with its anchor: bad signature, exit 1', () => {
    const run = inspect('--anchor', path('anchor.pem'), path('tampered.tl1'));
    expect(run.status).toBe(1);
    expect(json(run).signature).toMatchObject({ status: 'bad' });
  });

  it('an SL1, full and delta, with and without the anchor', () => {
    const full = inspect(path('status-1.sl1'));
    expect(full.status).toBe(0);
    expect(json(full)).toMatchObject({ kind: 'SL1', variant: 'full', seq: 1, base: null, entries: { add: 1, del: 0 }, signature: { status: 'not_checked' } });
    const delta = inspect('--anchor', path('anchor.pem'), path('status-2.sl1'));
    expect(delta.status).toBe(0);
    expect(json(delta)).toMatchObject({ kind: 'SL1', variant: 'delta', seq: 2, base: 1, entries: { add: 1, del: 1 }, signature: { status: 'valid' } });
    const foreign = inspect('--anchor', path('foreign-anchor.pem'), path('status-1.sl1'));
    expect(foreign.status).toBe(1);
  });

  it('a file that is no list: exit 2, one line', () => {
    expectUsageFailure(inspect(path('code.txt')), /code\.txt/);
    expectUsageFailure(inspect(path('nope.sl1')), /nope\.sl1/);
  });
});

describe('the command starts', () => {
  it('prints its help and exits 0', () => {
    const run = cli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/verify/);
    expect(cli(['verify', '--help']).stdout).toMatch(/--anchor/);
  });

  it('an unknown command exits 2', () => {
    const run = cli(['frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown command/);
  });
});
