// The kiosk process the fault test kills: opens the kiosk's database, runs the sync loop against
// the bureau, and prints "ack <high-water>" after each batch the bureau acknowledged, "fail
// <code>" after a failed cycle and "idle" once nothing is left to send.
// Usage: node --import tsx sync-child.ts <database> <bureau url> <anchors pem file> <batch size>
import { readFileSync } from 'node:fs';
import { openKiosk } from './kiosk.js';

const [path, bureauUrl, anchorsFile, batchSize] = process.argv.slice(2);
if (!path || !bureauUrl || !anchorsFile || !batchSize) {
  process.stderr.write('usage: sync-child.ts <database> <bureau url> <anchors pem file> <batch size>\n');
  process.exit(2);
}

const kiosk = openKiosk(path, {
  bureauUrl,
  anchorsPem: readFileSync(anchorsFile, 'utf8'),
  durable: false,
  timeoutMs: 2000,
  sync: { batchSize: Number(batchSize), maxBatchesPerSecond: 200, backoff: { baseMs: 5, capMs: 80 }, intervalMs: 20 },
});
kiosk.sync.on('uploaded', ({ highWater }) => process.stdout.write(`ack ${highWater}\n`));
kiosk.sync.on('cycle', (report) => {
  if (report.error) process.stdout.write(`fail ${report.error.code}\n`);
  else if (kiosk.sync.status().backlog === 0) process.stdout.write('idle\n');
});
process.stdout.write(`ready ${kiosk.log.acknowledgedSeq()}\n`);
kiosk.sync.start();
