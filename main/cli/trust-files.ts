// Loads the trust data named on the command line: anchors, trust lists or PEM keys, status
// lists (a full list then its deltas, in order). Anything refused becomes a UsageError (exit 2).
import { loadAnchors, type TrustAnchor } from '../trust/anchors.js';
import { TrustError } from '../trust/errors.js';
import { acceptStatusList, acceptTrustList, type StatusListRecord } from '../trust/lists.js';
import type { StatusList } from '../trust/status-list.js';
import { trustViewFromPem } from '../trust/trust-list.js';
import type { TrustView, TrustedKey } from '../verify/types.js';
import { UsageError, readInputFile } from './args.js';

/**
 * A signed list is binary CBOR opening with tag 18 (0xd2), tag 61 (0xd8 0x3d) or a bare array
 * (0x84); anything else with a BEGIN line is PEM. The BEGIN line may come late: OpenSSL's
 * `x509 -text` writes a long dump of the certificate before it.
 */
const isPem = (bytes: Buffer) => bytes[0] !== 0xd2 && bytes[0] !== 0xd8 && bytes[0] !== 0x84 && bytes.includes('-----BEGIN ');

function refused(file: string, err: unknown): never {
  if (err instanceof TrustError) throw new UsageError(`${file} refused (${err.code}): ${err.message}`);
  throw err;
}

export function loadAnchorFiles(files: readonly string[]): TrustAnchor[] {
  return files.flatMap((file) => {
    try {
      return loadAnchors(readInputFile(file, 'anchor').toString('utf8'));
    } catch (err) {
      return refused(file, err);
    }
  });
}

/** Several trust sources answer as one: the first that knows a kid wins; freshness is the earliest `nu`. */
class CombinedTrust implements TrustView {
  readonly nextUpdate?: number;
  constructor(private readonly views: readonly TrustView[]) {
    const nus = views.map((v) => v.nextUpdate).filter((nu): nu is number => nu !== undefined);
    if (nus.length > 0) this.nextUpdate = Math.min(...nus);
  }
  findKey(kid: Uint8Array): TrustedKey | undefined {
    for (const view of this.views) {
      const key = view.findKey(kid);
      if (key) return key;
    }
    return undefined;
  }
}

export function loadTrustFiles(files: readonly string[], anchors: readonly TrustAnchor[]): TrustView {
  const views = files.map((file): TrustView => {
    const bytes = readInputFile(file, 'trust file');
    try {
      if (isPem(bytes)) return trustViewFromPem(bytes.toString('utf8'));
      if (anchors.length === 0) throw new UsageError(`${file}: a trust list needs --anchor to check its signature`);
      return acceptTrustList(bytes, anchors, {}).list;
    } catch (err) {
      return refused(file, err);
    }
  });
  return new CombinedTrust(views);
}

export function loadStatusFiles(files: readonly string[], anchors: readonly TrustAnchor[]): StatusList | undefined {
  let record: StatusListRecord = {};
  let list: StatusList | undefined;
  for (const file of files) {
    const bytes = readInputFile(file, 'status file');
    if (anchors.length === 0) throw new UsageError(`${file}: a status list needs --anchor to check its signature`);
    try {
      const accepted = acceptStatusList(bytes, anchors, record, list);
      record = accepted.record;
      list = accepted.list;
    } catch (err) {
      refused(file, err);
    }
  }
  return list;
}
