// Full EID1 verification (text → verdict, trust and status look-ups included) beside a bare
// signature check of the same bytes, per algorithm and per stage; and the CLI's start-to-verdict time.
import { spawnSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeBase45 } from '../main/verify/base45.js';
import { decodeCbor } from '../main/verify/cbor.js';
import { CLAIM, checkEidClaims, readCwtClaims, readEidIdentity } from '../main/verify/claims.js';
import { coseToBeSigned, decodeCoseSign1 } from '../main/verify/cose.js';
import { inflateBounded } from '../main/verify/inflate.js';
import { importSpki } from '../main/verify/keys.js';
import type { VerifyContext } from '../main/verify/types.js';
import { verifyCode } from '../main/verify/verifier.js';
import { SAMPLE_HOLDERS, issueEid, type IssuerKey } from '../tools/issuer/index.js';
import { DAY, NOW, verifierLists } from './fixtures.js';
import { fmtUs, report, summarize, type Timing } from './lib.js';

const STATUS_ENTRIES = 100_000;
const FILLER_KEYS = 47;
const RATIO_GOAL = 1.3;

const holder = SAMPLE_HOLDERS.zhangSan;

/**
 * Times `a` and `b` in alternating rounds of `batch` calls each (order swapped every round), so
 * that drift in clock speed or background load hits both alike. Per-call microseconds per round.
 */
function paired(a: () => unknown, b: () => unknown, rounds: number, batch: number): { a: Timing; b: Timing; ratio: number } {
  for (let i = 0; i < batch * 4; i++) {
    a();
    b();
  }
  const ta = new Float64Array(rounds);
  const tb = new Float64Array(rounds);
  const timeBatch = (fn: () => unknown): number => {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    return ((performance.now() - t0) * 1000) / batch;
  };
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      ta[r] = timeBatch(a);
      tb[r] = timeBatch(b);
    } else {
      tb[r] = timeBatch(b);
      ta[r] = timeBatch(a);
    }
  }
  // Each round's two batches ran back to back under the same conditions: the median of the
  // per-round ratios cancels load that comes and goes better than a ratio of two medians.
  const ratios = ta.map((x, r) => x / tb[r]!);
  return { a: summarize(ta), b: summarize(tb), ratio: summarize(ratios).p50Us };
}

/** Per-call mean of `fn` over `count` calls, after a warm-up. */
function meanUs(fn: () => unknown, count: number): number {
  for (let i = 0; i < Math.min(count, 2000); i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) fn();
  return ((performance.now() - t0) * 1000) / count;
}

function bareCheck(key: IssuerKey): (data: Uint8Array, signature: Uint8Array) => boolean {
  if (key.alg === 'SM2') {
    // Node has no SM2-with-Z_A: the bare check is our own SM2 verify on an imported key.
    const imported = importSpki(key.spki);
    return (data, signature) => imported.verify(key.coseAlg, data, signature);
  }
  const keyObject: KeyObject = createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' });
  if (key.alg === 'ES256') {
    const options = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
    return (data, signature) => cryptoVerify('sha256', data, options, signature);
  }
  return (data, signature) => cryptoVerify(null, data, keyObject, signature);
}

interface Case {
  readonly name: string;
  readonly key: IssuerKey;
  readonly compress: boolean;
}

export async function run(): Promise<void> {
  const { bureau, issuers, tlBytes, slBytes, trust, status } = verifierLists({
    algs: ['ES256', 'EdDSA', 'SM2'],
    entry: { dt: ['CN-RIC', 'CN-HMT'], nbf: NOW - DAY, exp: NOW + 365 * DAY },
    fillerKeys: FILLER_KEYS,
    status: { salt: new Uint8Array(randomBytes(16)), entries: new Uint8Array(randomBytes(STATUS_ENTRIES * 8)) },
  });
  const ctx: VerifyContext = { now: NOW, clockTrusted: true, trust, status };
  console.log(`  trust list: ${trust.keys.length} keys; status list: ${status.size.toLocaleString('en')} entries; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs`);

  const cases: Case[] = [
    { name: 'ES256, compressed', key: issuers.ES256, compress: true },
    { name: 'ES256, uncompressed', key: issuers.ES256, compress: false },
    { name: 'EdDSA, compressed', key: issuers.EdDSA, compress: true },
    { name: 'SM2-SM3, compressed', key: issuers.SM2, compress: true },
  ];
  for (const c of cases) {
    const issued = issueEid(c.key, { iss: `CN-${c.key.alg}`, holder, iat: NOW }, { compress: c.compress });
    const message = decodeCoseSign1(issued.cose);
    const tbs = coseToBeSigned(message);
    const bare = bareCheck(c.key);
    let failures = 0;
    const full = () => {
      if (verifyCode(issued.text, ctx).result !== 'valid') failures++;
    };
    const sig = () => {
      if (!bare(tbs, message.signature)) failures++;
    };
    const slow = c.key.alg === 'SM2';
    const t = paired(full, sig, slow ? 31 : 101, slow ? 30 : 100);
    if (failures > 0) throw new Error(`${c.name}: ${failures} verifications failed`);
    const ratio = t.ratio;
    const isGoal = c.key.alg === 'ES256';
    report({
      name: `full EID1 verify, ${c.name} (${issued.text.length} chars; p50, mean; ratio = median of paired rounds)`,
      value: `${fmtUs(t.a.p50Us)}, ${fmtUs(t.a.meanUs)}`,
      anchor: `bare ${c.key.alg === 'SM2' ? 'SM2 verify' : 'crypto.verify'} ${fmtUs(t.b.p50Us)}, ${fmtUs(t.b.meanUs)}`,
      ratio,
      goal: isGoal ? `≤ ${RATIO_GOAL}` : `(no goal; ES256 is the goal's case) ≤ ${RATIO_GOAL}`,
      pass: ratio <= RATIO_GOAL,
    });
    if (c.key.alg === 'ES256') stages(issued.text, c.compress, ctx, bare);
  }

  cliStart(bureau, issuers.ES256, tlBytes, slBytes);
}

/** Where the time of one ES256 verification goes, stage by stage (each stage timed on its own). */
function stages(text: string, compressed: boolean, ctx: VerifyContext, bare: (d: Uint8Array, s: Uint8Array) => boolean): void {
  const N = 20_000;
  const body = text.slice(5);
  const z = decodeBase45(body);
  const coseBytes = compressed ? inflateBounded(z) : z;
  const msg = decodeCoseSign1(coseBytes);
  const payload = decodeCbor(msg.payload) as Map<unknown, unknown>;
  const tbs = coseToBeSigned(msg);
  const figures: [string, number][] = [
    ['Base45', meanUs(() => decodeBase45(body), N)],
    ...(compressed ? ([['inflate', meanUs(() => inflateBounded(z), N)]] as [string, number][]) : []),
    ['COSE_Sign1 decode', meanUs(() => decodeCoseSign1(coseBytes), N)],
    ['payload CBOR decode', meanUs(() => decodeCbor(msg.payload), N)],
    ['claims + eid read', meanUs(() => {
      const { claims, problems } = readCwtClaims(payload);
      checkEidClaims(claims, problems);
      readEidIdentity(payload.get(CLAIM.eid));
    }, N)],
    ['trust look-up', meanUs(() => ctx.trust.findKey(msg.kid!), N)],
    ['Sig_structure', meanUs(() => coseToBeSigned(msg), N)],
    ['signature', meanUs(() => bare(tbs, msg.signature), N / 4)],
    ['status look-up', meanUs(() => ctx.status!.holds('CN-RIC', holder.documentNumber), N)],
  ];
  const whole = meanUs(() => verifyCode(text, ctx), N / 4);
  const sum = figures.reduce((s, [, us]) => s + us, 0);
  console.log(`    stages (${compressed ? 'compressed' : 'uncompressed'}), mean per call: ${figures.map(([n, us]) => `${n} ${fmtUs(us)}`).join(', ')}`);
  console.log(`    sum of stages ${fmtUs(sum)}; verifyCode ${fmtUs(whole)}; the rest (checks, verdict) ${fmtUs(whole - sum)}`);
}

/** Wall time of `node bin/verikiosk.js verify …` from spawn to exit, beside `node -e 0`. */
function cliStart(bureau: IssuerKey, issuer: IssuerKey, tlBytes: Uint8Array, slBytes: Uint8Array): void {
  const dir = mkdtempSync(join(tmpdir(), 'verify-bench-'));
  try {
    writeFileSync(join(dir, 'anchor.pem'), bureau.publicKeyPem());
    writeFileSync(join(dir, 'trust.tl1'), tlBytes);
    writeFileSync(join(dir, 'status.sl1'), slBytes);
    const text = issueEid(issuer, { iss: 'CN-ES256', holder, iat: NOW }).text;
    const args = ['bin/verikiosk.js', 'verify', '--anchor', join(dir, 'anchor.pem'), '--trust', join(dir, 'trust.tl1'), '--status', join(dir, 'status.sl1'), '--now', new Date(NOW * 1000).toISOString(), text];
    const wall = (argv: string[], expectStatus: number): number => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, argv, { encoding: 'utf8' });
      const ms = performance.now() - t0;
      if (r.status !== expectStatus) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
      return ms * 1000;
    };
    const runs = 21;
    const cli: number[] = [];
    const bareNode: number[] = [];
    const help: number[] = [];
    wall(args, 0);
    for (let i = 0; i < runs; i++) {
      cli.push(wall(args, 0));
      bareNode.push(wall(['-e', '0'], 0));
      help.push(wall(['bin/verikiosk.js', '--help'], 0));
    }
    const c = summarize(cli);
    const n = summarize(bareNode);
    const h = summarize(help);
    report({
      name: `CLI start to verdict (verify, TL1 ${tlBytes.length} B + SL1 ${STATUS_ENTRIES.toLocaleString('en')} entries; p50 of ${runs}, max)`,
      value: `${fmtUs(c.p50Us)}, ${fmtUs(c.maxUs)}`,
      anchor: `node -e 0 ${fmtUs(n.p50Us)}, ${fmtUs(n.maxUs)}`,
      ratio: c.p50Us / n.p50Us,
      goal: 'well under 1 s (≤ 500 ms)',
      pass: c.p50Us <= 500_000,
    });
    report({
      name: `CLI start, --help only (p50 of ${runs})`,
      value: fmtUs(h.p50Us),
      anchor: `node -e 0 ${fmtUs(n.p50Us)}`,
      ratio: h.p50Us / n.p50Us,
      goal: 'well under 1 s (≤ 500 ms)',
      pass: h.p50Us <= 500_000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
