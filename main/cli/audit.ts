// `verikiosk audit verify`: checks the kiosk's audit log end to end (seqs, hashes, chain,
// signed tree heads) and says in one sentence whether it is whole.
import { parseArgs } from 'node:util';
import { auditVerify } from '../audit/index.js';
import { openStore } from '../store/index.js';
import { UsageError, runCommand } from './args.js';
import { kioskDatabasePath } from './data-dir.js';

const HELP = `Usage: verikiosk audit verify --data DIR [--json]

  --data DIR   the kiosk data directory
  --json       print the whole report as JSON instead of one sentence

Exit 0 when the log is whole, 1 when it was edited or truncated (the first bad record is
named), 2 for unusable arguments or no kiosk database in DIR.
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('audit', async () => {
    const [sub, ...rest] = argv;
    if (sub === '--help' || sub === '-h' || sub === undefined) {
      process.stdout.write(HELP);
      return sub === undefined ? 2 : 0;
    }
    if (sub !== 'verify') throw new UsageError(`unknown sub-command "${sub}" (expected: verify)`);
    const { values } = parseArgs({
      args: rest,
      options: { data: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const store = openStore(kioskDatabasePath(values.data, { create: false }));
    try {
      const report = auditVerify(store);
      process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${report.message}\n`);
      return report.ok ? 0 : 1;
    } finally {
      store.close();
    }
  });
}
