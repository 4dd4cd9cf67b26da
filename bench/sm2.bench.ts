// SM2-SM3 verification speed (the EID1 hot path) against sm-crypto measured in the same run;
// goal from the issue: at least 10× faster than sm-crypto and at most 1 ms per verify.
import { performance } from 'node:perf_hooks';
import { bytesToHex } from '@noble/hashes/utils.js';
import smCrypto from 'sm-crypto';
import { sm2GenerateKeyPair, sm2Sign, sm3, type Sm2PublicKey } from '../main/verify/sm2.js';
import { fmtUs, report, timeBatched, timeEach } from './lib.js';

interface Case {
  readonly key: Sm2PublicKey;
  readonly keyHex: string;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly signatureHex: string;
}

/** A signed message the size of a typical EID1 Sig_structure (~350 bytes). */
function makeCases(keys: readonly ReturnType<typeof sm2GenerateKeyPair>[], count: number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const pair = keys[i % keys.length]!;
    const message = crypto.getRandomValues(new Uint8Array(350));
    const signature = sm2Sign(pair.privateKey, message);
    cases.push({
      key: pair.publicKey,
      keyHex: bytesToHex(pair.publicKey.point),
      message,
      signature,
      signatureHex: bytesToHex(signature),
    });
  }
  return cases;
}

function timeOnce(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) * 1000;
}

export async function run(): Promise<void> {
  const issuers = Array.from({ length: 4 }, () => sm2GenerateKeyPair());
  const cases = makeCases(issuers, 64);
  let bad = 0;

  // Cold: the first verify in this process also builds the shared base-point table; the first
  // verify against each further key builds only that key's table.
  const first = cases[0]!;
  const processCold = timeOnce(() => first.key.verify(first.message, first.signature) || bad++);
  const keyCold = issuers.slice(1).map((_, i) => {
    const c = cases[i + 1]!;
    return timeOnce(() => c.key.verify(c.message, c.signature) || bad++);
  });
  const keyColdMean = keyCold.reduce((a, b) => a + b, 0) / keyCold.length;

  let i = 0;
  const ours = timeEach(() => {
    const c = cases[i++ % cases.length]!;
    if (!c.key.verify(c.message, c.signature)) bad++;
  }, 2000, 200);
  let j = 0;
  const theirs = timeEach(() => {
    const c = cases[j++ % cases.length]!;
    if (!smCrypto.sm2.doVerifySignature(c.message, c.signatureHex, c.keyHex, { hash: true, der: false })) bad++;
  }, 60, 5);
  if (bad !== 0) throw new Error(`benchmark saw ${bad} failed verifications`);

  const ratio = theirs.meanUs / ours.meanUs;
  report({
    name: 'SM2-SM3 verify, warm key (mean; p50 / p95)',
    value: `${fmtUs(ours.meanUs)} (${fmtUs(ours.p50Us)} / ${fmtUs(ours.p95Us)})`,
    anchor: `sm-crypto ${fmtUs(theirs.meanUs)} (${fmtUs(theirs.p50Us)} / ${fmtUs(theirs.p95Us)})`,
    ratio,
    goal: '≥ 10× faster than sm-crypto and ≤ 1 ms',
    pass: ratio >= 10 && ours.meanUs <= 1000,
  });
  report({
    name: 'SM2-SM3 verify, first for a new key (builds its table)',
    value: fmtUs(keyColdMean),
    anchor: `sm-crypto ${fmtUs(theirs.meanUs)}`,
    ratio: theirs.meanUs / keyColdMean,
    goal: 'one-off cost per issuer key, below a few sm-crypto verifies',
    pass: keyColdMean <= 5 * theirs.meanUs,
  });
  report({
    name: 'SM2-SM3 verify, first in process (also builds the base-point table)',
    value: fmtUs(processCold),
    anchor: `sm-crypto ${fmtUs(theirs.meanUs)}`,
    ratio: theirs.meanUs / processCold,
    goal: 'one-off cost at start-up, below a few sm-crypto verifies',
    pass: processCold <= 10 * theirs.meanUs,
  });

  const block = crypto.getRandomValues(new Uint8Array(1024));
  const blockArray = Array.from(block);
  const hashOurs = timeBatched(() => sm3(block), 200, 50);
  const hashTheirs = timeBatched(() => smCrypto.sm3(blockArray), 50, 10);
  report({
    name: 'SM3 of 1 KiB',
    value: fmtUs(hashOurs.p50Us),
    anchor: `sm-crypto ${fmtUs(hashTheirs.p50Us)}`,
    ratio: hashTheirs.p50Us / hashOurs.p50Us,
    goal: 'faster than sm-crypto',
    pass: hashOurs.p50Us < hashTheirs.p50Us,
  });
}
