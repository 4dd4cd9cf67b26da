// `verikiosk enrol`: registers this kiosk's device key with the bureau using a one-time
// enrolment code, and keeps the bureau's seal key in the kiosk database.
import { parseArgs } from 'node:util';
import { openStore } from '../store/index.js';
import { enrol } from '../sync/enrol.js';
import { BureauError, SyncError } from '../sync/errors.js';
import { UsageError, runCommand } from './args.js';
import { kioskDatabasePath } from './data-dir.js';

const HELP = `Usage: verikiosk enrol --bureau URL --code CODE --data DIR

  --bureau URL   the bureau's base URL (https://…)
  --code CODE    the one-time enrolment code the bureau issued for this kiosk
  --data DIR     the kiosk data directory (its database is created there when missing)

Prints {"deviceId", "bureau", "highWater"}. Enrolling again with the same code is harmless.
Exit 0 enrolled, 1 refused by the bureau or not reachable, 2 for unusable arguments.
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('enrol', async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        bureau: { type: 'string' },
        code: { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.bureau) throw new UsageError('--bureau URL is required');
    if (!values.code) throw new UsageError('--code CODE is required');
    const path = kioskDatabasePath(values.data, { create: true });
    const store = openStore(path);
    try {
      const enrolment = await enrol({ bureauUrl: values.bureau, code: values.code, store });
      process.stdout.write(`${JSON.stringify({ deviceId: enrolment.deviceId, bureau: enrolment.bureauUrl, highWater: enrolment.highWater })}\n`);
      return 0;
    } catch (err) {
      if (err instanceof SyncError && err.code === 'bad_enrolment') throw new UsageError(err.message);
      if (err instanceof BureauError || err instanceof SyncError) {
        const refusal = err instanceof BureauError && err.refusal ? ` (${err.refusal})` : '';
        process.stderr.write(`verikiosk enrol: ${err.code}${refusal}: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      store.close();
    }
  });
}
