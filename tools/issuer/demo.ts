// The demo fixture set: an anchor, issuer keys for every algorithm, the lists they sign and
// sample EID1 codes (valid and deliberately failing) with QR images. All holders are fictional.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { encodeBase45 } from '../../main/verify/base45.js';
import type { Reason, Result } from '../../main/verify/reasons.js';
import { EID_PREFIX, citizenIdNumber, issueEid } from './eid.js';
import type { EidRequest } from './eid.js';
import { SAMPLE_HOLDERS } from './holders.js';
import { generateIssuerKey, readIssuerKey, writeIssuerKey } from './keys.js';
import type { IssuerAlg, IssuerKey } from './keys.js';
import { signStatusDelta, signStatusList, signTrustList } from './lists.js';
import { renderQrPng } from './qr.js';

const DAY = 86_400;

export interface DemoOptions {
  /** The moment the fixtures are made for (NumericDate). Default now; codes live 300 s from it. */
  readonly now?: number;
  /** Keep key files already in `dir` (so an installed anchor stays valid). Default true. */
  readonly reuseKeys?: boolean;
}

export interface DemoIssuer {
  readonly name: string;
  readonly alg: IssuerAlg;
  readonly iss: string;
  readonly kid: string;
  readonly keyFile: string;
  readonly publicFile: string;
  /** False for the key the trust list leaves out (a "foreign" issuer). */
  readonly listed: boolean;
  readonly documentTypes?: readonly string[];
}

export interface DemoCode {
  readonly name: string;
  readonly alg: IssuerAlg;
  readonly iss: string;
  readonly textFile: string;
  readonly pngFile: string;
  /** What a verifier holding these lists should answer at `now`. */
  readonly expect: { readonly result: Result; readonly reasons: readonly Reason[] };
}

export interface DemoManifest {
  readonly now: number;
  readonly anchor: { readonly kid: string; readonly keyFile: string; readonly publicFile: string };
  readonly issuers: readonly DemoIssuer[];
  readonly trustList: string;
  readonly statusList: string;
  readonly statusDelta: string;
  readonly saltHex: string;
  readonly codes: readonly DemoCode[];
}

interface IssuerPlan {
  readonly name: string;
  readonly alg: IssuerAlg;
  readonly iss: string;
  readonly listed: boolean;
  readonly documentTypes?: readonly string[];
}

// Beijing and Shanghai public security bureaus, the Ministry of Public Security's national
// digital ID, the National Immigration Administration (permanent residence cards), and a
// Guangdong key the city's list does not carry.
const ISSUERS: readonly IssuerPlan[] = [
  { name: 'bj-psb-es256', alg: 'ES256', iss: 'CN-BJ-PSB', listed: true, documentTypes: ['CN-RIC', 'CN-HMT'] },
  { name: 'sh-psb-eddsa', alg: 'EdDSA', iss: 'CN-SH-PSB', listed: true, documentTypes: ['CN-RIC', 'CN-HMT'] },
  { name: 'nia-ps256', alg: 'PS256', iss: 'CN-NIA', listed: true, documentTypes: ['CN-FPR'] },
  { name: 'mps-sm2', alg: 'SM2', iss: 'CN-MPS', listed: true },
  { name: 'gd-psb-es256', alg: 'ES256', iss: 'CN-GD-PSB', listed: false },
];

/** Writes the demo fixture set into `dir` and returns (and writes, as manifest.json) its description. */
export async function buildDemoFixtures(dir: string, options: DemoOptions = {}): Promise<DemoManifest> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const reuse = options.reuseKeys ?? true;
  for (const sub of ['keys', 'codes']) mkdirSync(join(dir, sub), { recursive: true });

  // File names in the manifest are relative to `dir`.
  const loadOrMake = (prefix: string, alg: IssuerAlg): { key: IssuerKey; keyFile: string; publicFile: string } => {
    const keyFile = `keys/${prefix}.key`;
    const publicFile = `keys/${prefix}.pub.pem`;
    let key: IssuerKey;
    if (reuse && existsSync(join(dir, keyFile))) {
      key = readIssuerKey(join(dir, keyFile));
      if (key.alg !== alg) throw new Error(`${keyFile} holds a ${key.alg} key, the demo expects ${alg}`);
    } else {
      key = generateIssuerKey(alg);
    }
    writeIssuerKey(key, join(dir, 'keys', prefix));
    return { key, keyFile, publicFile };
  };

  const anchor = loadOrMake('anchor', 'ES256');
  const issuers = new Map(ISSUERS.map((plan) => [plan.name, { plan, ...loadOrMake(plan.name, plan.alg) }]));
  const issuer = (name: string) => {
    const found = issuers.get(name);
    if (!found) throw new Error(`demo: no issuer ${name}`);
    return found;
  };

  const trustList = signTrustList(anchor.key, {
    seq: 1,
    iat: now,
    nu: now + 7 * DAY,
    keys: ISSUERS.filter((plan) => plan.listed).map((plan) => ({
      iss: plan.iss,
      spki: issuer(plan.name).key.spki,
      ...(plan.documentTypes ? { dt: plan.documentTypes } : {}),
      nbf: now - 30 * DAY,
      exp: now + 730 * DAY,
    })),
  });
  const salt = new Uint8Array(randomBytes(16));
  const revoked = [
    SAMPLE_HOLDERS.wangWu,
    { documentType: 'CN-RIC', documentNumber: citizenIdNumber('120101', '1960-07-01', 210) },
    { documentType: 'CN-RIC', documentNumber: citizenIdNumber('110102', '1999-12-31', 9) },
  ].map((holder) => ({ dt: holder.documentType, dn: holder.documentNumber }));
  const statusList = signStatusList(anchor.key, { seq: 1, iat: now, nu: now + 7 * DAY, salt, documents: revoked });
  const statusDelta = signStatusDelta(anchor.key, {
    seq: 2,
    base: 1,
    iat: now,
    nu: now + 7 * DAY,
    salt,
    add: [{ dt: 'CN-RIC', dn: citizenIdNumber('320102', '1970-01-01', 77) }],
    del: [revoked[2]!],
  });
  writeFileSync(join(dir, 'trust-list.tl1'), trustList);
  writeFileSync(join(dir, 'status-list.sl1'), statusList);
  writeFileSync(join(dir, 'status-delta.sl1'), statusDelta);

  const codes: DemoCode[] = [];
  const emit = async (
    name: string,
    issuerName: string,
    request: Omit<EidRequest, 'iss'> & { iss?: string },
    expect: DemoCode['expect'],
    alter?: (cose: Uint8Array) => Uint8Array,
  ) => {
    const { plan, key } = issuer(issuerName);
    const iss = request.iss ?? plan.iss;
    const issued = issueEid(key, { iat: now, ...request, iss });
    const text = alter ? EID_PREFIX + encodeBase45(deflateSync(alter(issued.cose), { level: 9 })) : issued.text;
    const textFile = `codes/${name}.txt`;
    const pngFile = `codes/${name}.png`;
    writeFileSync(join(dir, textFile), `${text}\n`);
    await renderQrPng(text, { file: join(dir, pngFile) });
    codes.push({ name, alg: plan.alg, iss, textFile, pngFile, expect });
  };
  const valid = { result: 'valid', reasons: [] } as const;
  const invalid = (...reasons: Reason[]) => ({ result: 'invalid', reasons }) as const;

  await emit('valid-es256', 'bj-psb-es256', { holder: SAMPLE_HOLDERS.zhangSan }, valid);
  await emit('valid-eddsa', 'sh-psb-eddsa', { holder: SAMPLE_HOLDERS.liSi }, valid);
  await emit('valid-ps256', 'nia-ps256', { holder: SAMPLE_HOLDERS.smith }, valid);
  await emit('valid-sm2', 'mps-sm2', { holder: SAMPLE_HOLDERS.zhaoLiu }, valid);
  await emit('valid-hmt', 'bj-psb-es256', { holder: SAMPLE_HOLDERS.chenQi }, valid);
  await emit('expired', 'bj-psb-es256', { holder: SAMPLE_HOLDERS.zhangSan, iat: now - 3600 }, invalid('expired'));
  await emit('revoked', 'bj-psb-es256', { holder: SAMPLE_HOLDERS.wangWu }, invalid('revoked'));
  await emit('tampered', 'sh-psb-eddsa', { holder: SAMPLE_HOLDERS.liSi }, invalid('bad_signature'), (cose) =>
    replaceOnce(cose, '李四', '李五'),
  );
  await emit('foreign-issuer', 'gd-psb-es256', { holder: SAMPLE_HOLDERS.zhaoLiu }, invalid('unknown_kid'));
  await emit('issuer-mismatch', 'sh-psb-eddsa', { holder: SAMPLE_HOLDERS.liSi, iss: 'CN-BJ-PSB' }, invalid('issuer_mismatch'));
  await emit('doctype-not-allowed', 'nia-ps256', { holder: SAMPLE_HOLDERS.liSi }, invalid('doctype_not_allowed'));

  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  const manifest: DemoManifest = {
    now,
    anchor: { kid: hex(anchor.key.kid), keyFile: anchor.keyFile, publicFile: anchor.publicFile },
    issuers: [...issuers.values()].map(({ plan, key, keyFile, publicFile }) => ({
      name: plan.name,
      alg: plan.alg,
      iss: plan.iss,
      kid: hex(key.kid),
      keyFile,
      publicFile,
      listed: plan.listed,
      ...(plan.documentTypes ? { documentTypes: plan.documentTypes } : {}),
    })),
    trustList: 'trust-list.tl1',
    statusList: 'status-list.sl1',
    statusDelta: 'status-delta.sl1',
    saltHex: hex(salt),
    codes,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** `bytes` with the first UTF-8 occurrence of `from` replaced by `to` (same length), for a tampered code. */
function replaceOnce(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const a = Buffer.from(from, 'utf8');
  const b = Buffer.from(to, 'utf8');
  if (a.length !== b.length) throw new Error('tamper: replacement must keep the length');
  const copy = Buffer.from(bytes);
  const at = copy.indexOf(a);
  if (at < 0) throw new Error(`tamper: ${from} not found`);
  b.copy(copy, at);
  return new Uint8Array(copy);
}
