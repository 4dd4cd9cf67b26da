// `verikiosk sync`: runs the kiosk's sync with the bureau from the command line — signed time,
// lists, audit upload — once or until stopped, printing one JSON line per cycle.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditLog, type AuditEvent } from '../audit/index.js';
import { openStore } from '../store/index.js';
import { BureauClient } from '../sync/client.js';
import { TrustedClock } from '../sync/clock.js';
import { BureauSync, type CycleReport } from '../sync/sync.js';
import { KioskTrust, type ListUpdate } from '../sync/trust-store.js';
import { UsageError, runCommand } from './args.js';
import { kioskDatabasePath } from './data-dir.js';
import { loadAnchorFiles } from './trust-files.js';

const HELP = `Usage: verikiosk sync --data DIR [--bureau URL] [--anchor PEM]... [--once]

  --data DIR     the kiosk data directory
  --bureau URL   the bureau (default: the one the kiosk enrolled with)
  --anchor PEM   trust anchors for the lists and the signed time (default DIR/anchors.pem
                 when present); without anchors only the audit log is uploaded
  --once         one cycle, then exit

Prints one JSON line per cycle: {"ok", "uploaded", "acknowledgedSeq", "backlog",
"connectivity", "clockTrusted", "lists", "error"}. List updates and clock changes are
recorded in the audit log. Without --once it runs until SIGINT or SIGTERM.
Exit 0 when the (last) cycle succeeded, 1 when it failed, 2 for unusable arguments.
Run it while the kiosk itself is stopped: the kiosk syncs on its own when running.
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('sync', async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        bureau: { type: 'string' },
        anchor: { type: 'string', multiple: true, default: [] },
        once: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const path = kioskDatabasePath(values.data, { create: false });
    const defaultAnchors = join(values.data!, 'anchors.pem');
    const anchorFiles = values.anchor.length > 0 ? values.anchor : existsSync(defaultAnchors) ? [defaultAnchors] : [];
    const anchors = loadAnchorFiles(anchorFiles);

    const store = openStore(path);
    try {
      const bureauUrl = values.bureau ?? store.meta.get('bureau_url');
      if (!bureauUrl) throw new UsageError('--bureau URL is required (this kiosk has not enrolled with one)');
      // The Date header of each answer goes to the sync (its clock tripwire), made just below.
      const dates: { sync?: BureauSync } = {};
      let client: BureauClient;
      try {
        client = new BureauClient({ baseUrl: bureauUrl, onDate: (ms) => dates.sync?.observeDate(ms) });
      } catch (err) {
        throw new UsageError(`--bureau ${bureauUrl}: ${(err as Error).message}`);
      }
      const clock = new TrustedClock({ store });
      const sealKey = store.meta.get('bureau_seal_key');
      const log = AuditLog.open(store, { clock, ...(sealKey ? { bureauPublicKey: sealKey } : {}) });
      const trust = anchors.length > 0 ? KioskTrust.open({ store, anchors }) : undefined;
      const record = (event: AuditEvent): void => {
        log.append(event).catch((err: unknown) => process.stderr.write(`verikiosk sync: could not record ${event.kind}: ${(err as Error).message}\n`));
      };
      for (const update of trust?.bootUpdates ?? []) record(listEvent(update));
      trust?.on('list_update', (update) => record(listEvent(update)));
      clock.on('clock_change', (change) => record({ kind: 'clock_change', ...change }));
      const running = new BureauSync({ client, log, store, clock, ...(trust ? { trust } : {}), ...(anchors.length > 0 ? { anchors } : {}) });
      dates.sync = running;
      const line = (report: CycleReport): void => {
        const status = running.status();
        const out = {
          ok: report.ok,
          uploaded: report.uploaded,
          acknowledgedSeq: report.acknowledgedSeq,
          backlog: status.backlog,
          connectivity: status.connectivity,
          clockTrusted: clock.trusted(),
          lists: { TL1: status.lists.TL1.seq ?? null, SL1: status.lists.SL1.seq ?? null },
          ...(report.error ? { error: { code: report.error.code, message: report.error.message } } : {}),
        };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      };

      if (values.once) {
        const report = await running.syncNow();
        line(report);
        await running.stop();
        await log.settled();
        return report.ok ? 0 : 1;
      }
      let last: CycleReport | undefined;
      running.on('cycle', (report) => {
        last = report;
        line(report);
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
        running.start();
      });
      await running.stop();
      await log.settled();
      return last?.ok === false ? 1 : 0;
    } finally {
      store.close();
    }
  });
}

function listEvent(update: ListUpdate): AuditEvent {
  return {
    kind: 'list_update',
    list: update.list,
    outcome: update.outcome,
    ...(update.seq !== undefined ? { seq: update.seq } : {}),
    ...(update.error ? { error: update.error } : {}),
  };
}
