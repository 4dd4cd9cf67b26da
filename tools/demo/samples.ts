// The simulation panel's sample documents for the demo kiosk, made from the demo's issuer keys:
// codes signed afresh at each request (so they never expire on a long-running demo) and cards
// from the card-reader simulator's fixtures. All holders are fictional.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { decodeCard } from '../../drivers/card-reader/index.js';
import type { CardRecord } from '../../drivers/card-reader/index.js';
import type { SampleCard, SampleCode, SampleSource } from '../../main/kiosk/index.js';
import { encodeBase45 } from '../../main/verify/base45.js';
import { EID_PREFIX, SAMPLE_HOLDERS, issueEid, readIssuerKey, renderQrPng } from '../issuer/index.js';
import type { DemoManifest, EidHolder, IssuerKey } from '../issuer/index.js';
import { CARDS, fillerPhoto, residentText } from '../sim/card-reader/fixtures.js';

const HOLDER: EidHolder = SAMPLE_HOLDERS.zhangSan;
/** 王五: the person buildDemoFixtures puts on the demo status list (tools/issuer/demo.ts), as a code and as a card. */
const REVOKED_HOLDER = SAMPLE_HOLDERS.wangWu;
const compactDate = (isoDate: string) => isoDate.replaceAll('-', '');

const REVOKED_CARD = {
  text: residentText({
    name: REVOKED_HOLDER.name,
    sex: String(REVOKED_HOLDER.sex),
    ethnicity: REVOKED_HOLDER.ethnicity,
    birth: compactDate(REVOKED_HOLDER.birthDate),
    address: '北京市海淀区示例路5号',
    idNumber: REVOKED_HOLDER.documentNumber,
    authority: REVOKED_HOLDER.authority,
    validFrom: compactDate(REVOKED_HOLDER.validFrom),
    validTo: '长期',
  }),
  photo: fillerPhoto(9),
};

/** The issuers the demo uses: a listed one, and the one the trust list leaves out. */
function demoKeys(manifest: DemoManifest, fixturesDir: string): { listed: IssuerKey; listedIss: string; foreign: IssuerKey; foreignIss: string } {
  const listed = manifest.issuers.find((i) => i.listed && i.alg === 'ES256' && (i.documentTypes ?? ['CN-RIC']).includes('CN-RIC'));
  const foreign = manifest.issuers.find((i) => !i.listed);
  if (!listed || !foreign) throw new Error('demo samples: the demo manifest lacks a listed ES256 issuer or an unlisted one');
  return {
    listed: readIssuerKey(join(fixturesDir, listed.keyFile)),
    listedIss: listed.iss,
    foreign: readIssuerKey(join(fixturesDir, foreign.keyFile)),
    foreignIss: foreign.iss,
  };
}

export interface DemoSampleOptions {
  /** NumericDate now; default the system clock. */
  readonly now?: () => number;
}

/**
 * `replayed` is a fresh signature over the last `valid` sample's cti — a copy made later, as a
 * screenshot resent would be. Before any `valid` sample was shown it is a new code, accepted the
 * first time and refused as replayed the next.
 */
export function demoSamples(manifest: DemoManifest, fixturesDir: string, options: DemoSampleOptions = {}): SampleSource {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const keys = demoKeys(manifest, fixturesDir);
  let lastValidCti: Uint8Array | undefined;

  const sign = (key: IssuerKey, iss: string, holder: EidHolder, extra: { iat?: number; cti?: Uint8Array } = {}) =>
    issueEid(key, { iss, holder, iat: extra.iat ?? now(), ...(extra.cti ? { cti: extra.cti } : {}) });

  const code = (sample: SampleCode): string => {
    switch (sample) {
      case 'valid': {
        lastValidCti = new Uint8Array(randomBytes(16));
        return sign(keys.listed, keys.listedIss, HOLDER, { cti: lastValidCti }).text;
      }
      case 'expired':
        // Lifetime 300 s: issued an hour ago.
        return sign(keys.listed, keys.listedIss, HOLDER, { iat: now() - 3600 }).text;
      case 'revoked':
        return sign(keys.listed, keys.listedIss, REVOKED_HOLDER).text;
      case 'tampered': {
        // One bit of the signature changed after signing.
        const cose = new Uint8Array(sign(keys.listed, keys.listedIss, HOLDER).cose);
        cose[cose.length - 1]! ^= 0x01;
        return EID_PREFIX + encodeBase45(new Uint8Array(deflateSync(cose, { level: 9 })));
      }
      case 'replayed': {
        lastValidCti ??= new Uint8Array(randomBytes(16));
        return sign(keys.listed, keys.listedIss, HOLDER, { cti: lastValidCti }).text;
      }
      case 'foreign-issuer':
        return sign(keys.foreign, keys.foreignIss, HOLDER).text;
    }
  };

  const card = (sample: SampleCard): CardRecord => {
    if (sample === 'revoked-card') return decodeCard(REVOKED_CARD.text, REVOKED_CARD.photo);
    const fixture = CARDS[sample];
    if (!fixture) throw new Error(`demo samples: no card fixture ${sample}`);
    return decodeCard(fixture.text, fixture.photo);
  };

  return {
    code,
    card,
    codeImage: (sample) => renderQrPng(code(sample), { scale: 6 }),
  };
}
