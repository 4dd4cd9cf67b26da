// The lists in force on the kiosk: main/trust's acceptance rules over what main/store keeps —
// restored and verified again at boot, a shipped baseline on first boot, files from a USB
// stick, and every update committed in one transaction before the verifier sees it.
import { readFile } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { StoreError, type Store } from '../store/index.js';
import { openSignedList, type TrustAnchor } from '../trust/anchors.js';
import { TrustError, type TrustErrorCode } from '../trust/errors.js';
import { listFreshness, type ListFreshness } from '../trust/freshness.js';
import {
  acceptStatusList,
  acceptTrustList,
  restoreStatusList,
  restoreTrustList,
  type StatusListRecord,
  type TrustListRecord,
} from '../trust/lists.js';
import { decodePayload, listKindOf, type ListKind } from '../trust/payload.js';
import type { StatusList } from '../trust/status-list.js';
import type { TrustList } from '../trust/trust-list.js';

export type { ListKind };

/** Where an offered list came from. */
export type ListSource = 'store' | 'baseline' | 'file' | 'bureau';

/** One list offered and what became of it: what the kiosk records as a `list_update` event. */
export interface ListUpdate {
  readonly list: ListKind;
  readonly outcome: 'accepted' | 'unchanged' | 'refused';
  /** The seq of the list in force afterwards (refused: the offered list's, when it could be read). */
  readonly seq?: number;
  readonly error?: TrustErrorCode;
  readonly source: ListSource;
  /** Plain text for the operator; never personal data. */
  readonly message?: string;
}

export interface KioskTrustOptions {
  readonly store: Store;
  readonly anchors: readonly TrustAnchor[];
  /** Lists shipped with the kiosk, put in force when the store holds none (first boot). */
  readonly baseline?: { readonly TL1?: Uint8Array; readonly SL1?: Uint8Array };
}

type KioskTrustEvents = { list_update: [ListUpdate] };

export class KioskTrust extends EventEmitter<KioskTrustEvents> {
  readonly #store: Store;
  readonly #anchors: readonly TrustAnchor[];
  #trust: TrustList | undefined;
  #status: StatusList | undefined;
  #trustRecord: TrustListRecord;
  #statusRecord: StatusListRecord;
  /** What happened at boot (restores, baseline), for the kiosk to record once it listens. */
  readonly bootUpdates: readonly ListUpdate[];

  private constructor(options: KioskTrustOptions) {
    super();
    this.#store = options.store;
    this.#anchors = options.anchors;
    const boot: ListUpdate[] = [];
    const storedTrust = this.#store.trust.current('TL1');
    const storedStatus = this.#store.trust.current('SL1');
    this.#trustRecord = { highestSeq: this.#store.trust.highestSeq('TL1'), ...(storedTrust ? { current: storedTrust.bytes } : {}) };
    this.#statusRecord = {
      highestSeq: this.#store.trust.highestSeq('SL1'),
      ...(storedStatus ? { full: storedStatus.bytes, deltas: storedStatus.deltas } : {}),
    };
    // Verified again: the anchors may have changed since the list was stored.
    try {
      this.#trust = restoreTrustList(this.#trustRecord, this.#anchors);
    } catch (error) {
      boot.push(refusal('TL1', 'store', error, storedTrust?.seq));
    }
    try {
      this.#status = restoreStatusList(this.#statusRecord, this.#anchors);
    } catch (error) {
      boot.push(refusal('SL1', 'store', error, storedStatus?.seq));
    }
    for (const kind of ['TL1', 'SL1'] as const) {
      const baseline = options.baseline?.[kind];
      if (baseline && this.seq(kind) === undefined) boot.push(this.#apply(kind, baseline, 'baseline'));
    }
    this.bootUpdates = boot;
  }

  /** The lists in force from `store`, verified with `anchors`; a baseline when the store has none. */
  static open(options: KioskTrustOptions): KioskTrust {
    return new KioskTrust(options);
  }

  get anchors(): readonly TrustAnchor[] {
    return this.#anchors;
  }

  /** The trust list in force: the verifier's TrustView. */
  get trust(): TrustList | undefined {
    return this.#trust;
  }

  /** The status list in force: the verifier's StatusView. */
  get status(): StatusList | undefined {
    return this.#status;
  }

  seq(kind: ListKind): number | undefined {
    return kind === 'TL1' ? this.#trust?.seq : this.#status?.seq;
  }

  /** `nu` (NumericDate) of the list in force. */
  nu(kind: ListKind): number | undefined {
    return kind === 'TL1' ? this.#trust?.nu : this.#status?.nu;
  }

  /** The operator's countdown for a list: fresh / overdue / stale at `nowSeconds`. */
  freshness(kind: ListKind, nowSeconds: number, graceSeconds?: number): ListFreshness | undefined {
    const nu = this.nu(kind);
    return nu === undefined ? undefined : listFreshness(nu, nowSeconds, graceSeconds);
  }

  /**
   * Offers a signed list. Accepted lists are committed (one store transaction) before they are
   * put in force; a refusal leaves the list in force untouched. Every outcome is emitted as
   * `list_update`. Store failures other than a rollback are thrown.
   */
  offer(kind: ListKind, bytes: Uint8Array, source: ListSource = 'bureau'): ListUpdate {
    const update = this.#apply(kind, bytes, source);
    this.emit('list_update', update);
    return update;
  }

  /**
   * Loads a list from a file (a USB stick, when the kiosk has never been online); its kind is
   * read from it. A file that is no signed list at all throws TrustError('malformed_list' or
   * 'wrong_list_kind') — there is no list kind to report it under; fs errors are thrown as they are.
   */
  async loadListFile(path: string): Promise<ListUpdate> {
    const bytes = new Uint8Array(await readFile(path));
    const kind = listKindOf(decodePayload(openSignedList(bytes).payload));
    return this.offer(kind, bytes, 'file');
  }

  #apply(kind: ListKind, bytes: Uint8Array, source: ListSource): ListUpdate {
    try {
      if (kind === 'TL1') {
        const acceptance = acceptTrustList(bytes, this.#anchors, this.#trustRecord, this.#trust);
        if (acceptance.outcome === 'accepted') {
          const { record } = acceptance;
          this.#commit('TL1', record.current ?? bytes, record.highestSeq ?? acceptance.list.seq);
          this.#trustRecord = record;
        }
        this.#trust = acceptance.list;
        return { list: kind, outcome: acceptance.outcome, seq: acceptance.list.seq, source };
      }
      const acceptance = acceptStatusList(bytes, this.#anchors, this.#statusRecord, this.#status);
      if (acceptance.outcome === 'accepted') {
        const { record } = acceptance;
        this.#commit('SL1', record.full ?? bytes, record.highestSeq ?? acceptance.list.seq, record.deltas ?? []);
        this.#statusRecord = record;
      }
      this.#status = acceptance.list;
      return { list: kind, outcome: acceptance.outcome, seq: acceptance.list.seq, source };
    } catch (error) {
      if (error instanceof TrustError) return refusal(kind, source, error, offeredSeq(bytes));
      throw error;
    }
  }

  /** One store transaction; a rollback the store refuses (another writer got further) is a refusal. */
  #commit(kind: ListKind, bytes: Uint8Array, seq: number, deltas: readonly Uint8Array[] = []): void {
    try {
      this.#store.trust.replace(kind, bytes, seq, deltas);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'rollback') {
        throw new TrustError('rolled_back', error.message, { cause: error });
      }
      throw error;
    }
  }
}

function refusal(list: ListKind, source: ListSource, error: unknown, seq?: number): ListUpdate {
  if (!(error instanceof TrustError)) throw error;
  return { list, outcome: 'refused', error: error.code, source, message: error.message, ...(seq !== undefined ? { seq } : {}) };
}

/** The seq a refused list claims, for the audit record; undefined when it cannot be read. */
function offeredSeq(bytes: Uint8Array): number | undefined {
  try {
    const seq = decodePayload(openSignedList(bytes).payload).get('seq');
    return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
  } catch {
    return undefined;
  }
}
