// The bureau's keys in its data directory: the trust anchor that signs lists and time (with the
// retired anchors kiosks may still hold), and the X25519 key guest registrations are sealed to.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBureauKeyPair } from '../../main/audit/index.js';
import { generateIssuerKey, readIssuerKey, writeIssuerKey, type IssuerKey } from '../issuer/index.js';

export interface BureauKeys {
  /** The anchor signing from now on. */
  readonly anchor: IssuerKey;
  /** Every anchor's public key, current first: the PEM file a kiosk installs (`keys/anchors.pem`). */
  readonly anchorsPem: string;
  /** Raw 32-byte X25519 keys (HPKE, main/audit/seal.ts). */
  readonly sealPublicKey: Uint8Array;
  readonly sealPrivateKey: Uint8Array;
}

export const keyFiles = (dataDir: string) => {
  const dir = join(dataDir, 'keys');
  return {
    dir,
    /** PKCS#8 PEM of the current anchor (the issuer toolkit's layout: PREFIX.key, PREFIX.pub.pem). */
    anchorPrefix: join(dir, 'anchor'),
    anchorKey: join(dir, 'anchor.key'),
    anchorsPem: join(dir, 'anchors.pem'),
    sealKey: join(dir, 'seal.key'),
    sealPub: join(dir, 'seal.pub'),
  };
};

/** Loads the keys kept in `dataDir/keys`, making any that are missing. */
export async function loadBureauKeys(dataDir: string): Promise<BureauKeys> {
  const files = keyFiles(dataDir);
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  let anchor: IssuerKey;
  if (existsSync(files.anchorKey)) {
    anchor = readIssuerKey(files.anchorKey);
  } else {
    anchor = generateIssuerKey('ES256');
    writeIssuerKey(anchor, files.anchorPrefix);
  }
  if (!existsSync(files.anchorsPem)) writeFileSync(files.anchorsPem, anchor.publicKeyPem());
  const anchorsPem = readFileSync(files.anchorsPem, 'utf8');
  if (!anchorsPem.includes(anchor.publicKeyPem().trim())) {
    throw new Error(`${files.anchorsPem} does not list the current anchor ${files.anchorKey}: restore it or remove it to start a new one`);
  }

  let sealPrivateKey: Uint8Array;
  let sealPublicKey: Uint8Array;
  if (existsSync(files.sealKey) && existsSync(files.sealPub)) {
    sealPrivateKey = new Uint8Array(readFileSync(files.sealKey));
    sealPublicKey = new Uint8Array(readFileSync(files.sealPub));
    if (sealPrivateKey.length !== 32 || sealPublicKey.length !== 32) throw new Error(`${files.sealKey}: expected raw 32-byte X25519 keys`);
  } else {
    ({ publicKey: sealPublicKey, privateKey: sealPrivateKey } = await generateBureauKeyPair());
    writeFileSync(files.sealKey, sealPrivateKey, { mode: 0o600 });
    writeFileSync(files.sealPub, sealPublicKey);
  }
  return { anchor, anchorsPem, sealPublicKey, sealPrivateKey };
}

/**
 * A new anchor signs from now on; the old one's private key is kept aside as
 * `anchor-<kid>.key` and its public key stays in anchors.pem, so kiosks can roll over.
 */
export function rotateAnchor(dataDir: string, keys: BureauKeys): BureauKeys {
  const files = keyFiles(dataDir);
  const retired = join(files.dir, `anchor-${Buffer.from(keys.anchor.kid).toString('hex')}`);
  renameSync(files.anchorKey, `${retired}.key`);
  renameSync(`${files.anchorPrefix}.pub.pem`, `${retired}.pub.pem`);
  const anchor = generateIssuerKey('ES256');
  writeIssuerKey(anchor, files.anchorPrefix);
  const anchorsPem = anchor.publicKeyPem() + keys.anchorsPem;
  writeFileSync(files.anchorsPem, anchorsPem);
  return { ...keys, anchor, anchorsPem };
}
