// The process the crash test kills: opens the audit log and appends records as fast as it can,
// printing "ack <seq> <leaf hash hex>" after each append resolved (i.e. after its commit).
// Usage: node --import tsx crash-child.ts <database> <bureau public key hex>
import { AuditLog, systemClock } from '../../../main/audit/index.js';
import { openStore } from '../../../main/store/index.js';

const [path, bureauKeyHex] = process.argv.slice(2);
if (!path || !bureauKeyHex) {
  process.stderr.write('usage: crash-child.ts <database> <bureau public key hex>\n');
  process.exit(2);
}

const store = openStore(path);
const log = AuditLog.open(store, { clock: systemClock(), bureauPublicKey: new Uint8Array(Buffer.from(bureauKeyHex, 'hex')) });
process.stdout.write(`ready ${log.size}\n`);

// Bounded so a child that is never killed still ends.
for (let i = 0; i < 100_000; i++) {
  const seq = log.size + 1;
  const appended =
    seq % 5 === 0
      ? await log.append(
          { kind: 'card_read', outcome: 'read', document: { type: 'ID', number: `11010519491231${String(seq % 10000).padStart(4, '0')}` } },
          { name: 'Crash Test Guest', documentType: 'ID', documentNumber: '110105194912310021', birthDate: '1949-12-31', address: 'Loop Street 1', checkInMs: Date.now() },
        )
      : await log.append({ kind: 'verification', result: 'valid', reasons: [], format: 'eid', trustListSeq: seq });
  // Pipes are synchronous on Linux: once written, the line survives our own SIGKILL.
  process.stdout.write(`ack ${appended.seq} ${Buffer.from(appended.leafHash).toString('hex')}\n`);
  if (seq % 16 === 0) log.signTreeHead();
}
store.close();
