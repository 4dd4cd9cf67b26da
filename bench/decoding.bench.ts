// The decoding layer and key verification against a bare crypto.verify measured in the same run;
// goal from the issue: a full verification costs at most 1.3× the bare signature check.
import { constants, generateKeyPairSync, sign, verify } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { decodeBase45, encodeBase45 } from '../main/verify/base45.js';
import { CborTag as Tag, decodeCbor, encodeCbor } from '../main/verify/cbor.js';
import { coseToBeSigned, decodeCoseSign1 } from '../main/verify/cose.js';
import { readDccPayload } from '../main/verify/dcc.js';
import { inflateBounded, looksLikeZlib } from '../main/verify/inflate.js';
import { computeKid, importSpki } from '../main/verify/keys.js';
import { COSE_ALG } from '../main/verify/types.js';
import { fmtUs, report, timeBatched } from './lib.js';

/** A DCC payload the size of a real one (~250 bytes). */
const PAYLOAD = encodeCbor(
  new Map<number, unknown>([
    [1, 'DE'],
    [4, 1643356073],
    [6, 1622316073],
    [
      -260,
      new Map([
        [
          1,
          {
            v: [{ ci: 'URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8#W', co: 'DE', dn: 2, dt: '2021-05-29', is: 'Robert Koch-Institut', ma: 'ORG-100031184', mp: 'EU/1/20/1507', sd: 2, tg: '840539006', vp: '1119349007' }],
            dob: '1964-08-12',
            nam: { fn: 'Mustermann', gn: 'Erika', fnt: 'MUSTERMANN', gnt: 'ERIKA' },
            ver: '1.0.0',
          },
        ],
      ]),
    ],
  ]),
);

function code(alg: number, spki: Uint8Array, signer: (tbs: Uint8Array) => Uint8Array) {
  const protectedBytes = encodeCbor(new Map<number, unknown>([[1, alg], [4, computeKid(spki)]]));
  const tbs = coseToBeSigned({ protectedBytes, payload: PAYLOAD });
  const signature = signer(tbs);
  const text = `HC1:${encodeBase45(deflateSync(encodeCbor(new Tag(18, [protectedBytes, new Map(), PAYLOAD, signature]))))}`;
  return { text, tbs, signature };
}

/** Everything the decoding layer does for one scanned code, up to a yes/no on the signature. */
function decodeAndVerify(text: string, key: ReturnType<typeof importSpki>): boolean {
  const z = decodeBase45(text.slice(4));
  const msg = decodeCoseSign1(looksLikeZlib(z) ? inflateBounded(z) : z);
  const claims = decodeCbor(msg.payload);
  if (!(claims instanceof Map) || !readDccPayload(claims).payload) return false;
  return key.verify(msg.alg!, coseToBeSigned(msg), msg.signature);
}

export function run(): void {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  const families = [
    {
      name: 'ES256',
      alg: COSE_ALG.ES256,
      pair: ec,
      signer: (d: Uint8Array) => sign('sha256', d, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }),
      bare: (d: Uint8Array, s: Uint8Array) => verify('sha256', d, { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, s),
    },
    { name: 'EdDSA', alg: COSE_ALG.EdDSA, pair: ed, signer: (d: Uint8Array) => sign(null, d, ed.privateKey), bare: (d: Uint8Array, s: Uint8Array) => verify(null, d, ed.publicKey, s) },
    {
      name: 'PS256',
      alg: COSE_ALG.PS256,
      pair: rsa,
      signer: (d: Uint8Array) => sign('sha256', d, { key: rsa.privateKey, ...pss }),
      bare: (d: Uint8Array, s: Uint8Array) => verify('sha256', d, { key: rsa.publicKey, ...pss }, s),
    },
  ];

  for (const f of families) {
    const spki = new Uint8Array(f.pair.publicKey.export({ type: 'spki', format: 'der' }));
    const key = importSpki(spki);
    const { text, tbs, signature } = code(f.alg, spki, (d) => new Uint8Array(f.signer(d)));
    if (!decodeAndVerify(text, key)) throw new Error(`${f.name}: the benchmark code does not verify`);

    const anchor = timeBatched(() => f.bare(tbs, signature), 200, 20);
    const keyVerify = timeBatched(() => key.verify(f.alg, tbs, signature), 200, 20);
    const decodeOnly = timeBatched(() => {
      const z = decodeBase45(text.slice(4));
      const msg = decodeCoseSign1(inflateBounded(z));
      readDccPayload(decodeCbor(msg.payload) as Map<unknown, unknown>);
      coseToBeSigned(msg);
    }, 200, 20);
    const full = timeBatched(() => decodeAndVerify(text, key), 200, 20);

    const anchorText = `bare crypto.verify ${fmtUs(anchor.p50Us)}`;
    const keyRatio = keyVerify.p50Us / anchor.p50Us;
    report({ name: `${f.name} key.verify (p50)`, value: fmtUs(keyVerify.p50Us), anchor: anchorText, ratio: keyRatio, goal: '≤ 1.05× bare', pass: keyRatio <= 1.05 });
    report({ name: `${f.name} decoding only (p50)`, value: fmtUs(decodeOnly.p50Us), anchor: anchorText, ratio: decodeOnly.p50Us / anchor.p50Us, goal: 'informational', pass: true });
    const fullRatio = full.p50Us / anchor.p50Us;
    // The issue sets the 1.3× goal against ES256. A PS256 check takes about 18 µs, so the same
    // decoding weighs more beside it: reported against 1.3× all the same, marked as no goal.
    const isGoal = f.name === 'ES256';
    report({
      name: `${f.name} text → verified signature (p50)`,
      value: fmtUs(full.p50Us),
      anchor: anchorText,
      ratio: fullRatio,
      goal: isGoal ? '≤ 1.3× bare' : "(no goal; ES256 is the goal's case) ≤ 1.3× bare",
      pass: fullRatio <= 1.3,
    });
  }

  // The fixed cost of one CBOR decode call.
  const tiny = Uint8Array.of(0xa1, 0x01, 0x26);
  const cborCall = timeBatched(() => decodeCbor(tiny), 200, 50);
  const parse = timeBatched(() => JSON.parse('{"1":-7}'), 200, 50);
  report({ name: 'cborg decode of a 3-byte map (p50)', value: fmtUs(cborCall.p50Us), anchor: `JSON.parse of the same map ${fmtUs(parse.p50Us)}`, ratio: cborCall.p50Us / parse.p50Us, goal: 'informational', pass: true });
}
