// A kiosk's sync side wired as main/kiosk will wire it — store, trusted clock, audit log, lists
// in force, client, sync loop — for the tests against the reference bureau.
import { AuditLog } from '../../../main/audit/index.js';
import { openStore, type Store } from '../../../main/store/index.js';
import { BureauClient, type FetchFunction } from '../../../main/sync/client.js';
import { TrustedClock } from '../../../main/sync/clock.js';
import { BureauSync, type BureauSyncOptions } from '../../../main/sync/sync.js';
import { KioskTrust } from '../../../main/sync/trust-store.js';
import { loadAnchors, type TrustAnchor } from '../../../main/trust/anchors.js';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly variant: string | null;
}

/** Node's fetch, noting what each request got (status and list variant only). */
export function recordingFetch(): { fetch: FetchFunction; seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const wrapped: FetchFunction = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.push({ method: init?.method ?? 'GET', path: url.pathname + url.search, status: response.status, variant: response.headers.get('x-list-variant') });
    return response;
  };
  return { fetch: wrapped, seen };
}

export interface TestKiosk {
  readonly store: Store;
  readonly clock: TrustedClock;
  readonly log: AuditLog;
  readonly trust: KioskTrust;
  readonly client: BureauClient;
  readonly sync: BureauSync;
  readonly anchors: TrustAnchor[];
  close(): Promise<void>;
}

export interface TestKioskOptions {
  readonly bureauUrl: string;
  readonly anchorsPem: string;
  readonly fetch?: FetchFunction;
  /** Default true (synchronous=FULL), as on a kiosk. */
  readonly durable?: boolean;
  readonly timeoutMs?: number;
  readonly sync?: Partial<Omit<BureauSyncOptions, 'client' | 'log' | 'store'>>;
}

export function openKiosk(path: string, options: TestKioskOptions): TestKiosk {
  const store = openStore(path, { durable: options.durable ?? true });
  const anchors = loadAnchors(options.anchorsPem);
  const clock = new TrustedClock({ store, ntp: async () => false });
  // As main/kiosk wires it: the seal key is read when a registration comes, so an enrolment made
  // while the kiosk runs is used at once.
  const log = AuditLog.open(store, { clock, bureauPublicKey: () => store.meta.get('bureau_seal_key') });
  const trust = KioskTrust.open({ store, anchors });
  const dates: { sync?: BureauSync } = {};
  const client = new BureauClient({
    baseUrl: options.bureauUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    onDate: (ms) => dates.sync?.observeDate(ms),
  });
  const running = new BureauSync({ client, log, store, trust, clock, ...options.sync });
  dates.sync = running;
  return {
    store,
    clock,
    log,
    trust,
    client,
    sync: running,
    anchors,
    async close() {
      await running.stop();
      store.close();
    },
  };
}
