// `verikiosk lists inspect FILE`: what a TL1/SL1 holds, for operators — seq, dates, keys,
// entry count and whether an installed anchor signed it.
import { parseArgs } from 'node:util';
import { inspectList } from '../trust/inspect.js';
import { TrustError } from '../trust/errors.js';
import { UsageError, readInputFile, runCommand } from './args.js';
import { loadAnchorFiles } from './trust-files.js';

const HELP = `Usage: verikiosk lists inspect [--anchor PEM]... FILE

Prints what a signed trust list (TL1) or status list (SL1) holds as JSON. With --anchor,
also whether one of those anchors signed it. Exit 0 when readable (and, with anchors, signed
by one of them), 1 when the signature does not check out, 2 when the file is not a list.
`;

export async function run(argv: string[]): Promise<number> {
  return runCommand('lists', async () => {
    const [sub, ...rest] = argv;
    if (sub === '--help' || sub === '-h' || sub === undefined) {
      process.stdout.write(HELP);
      return sub === undefined ? 2 : 0;
    }
    if (sub !== 'inspect') throw new UsageError(`unknown sub-command "${sub}" (expected: inspect)`);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { anchor: { type: 'string', multiple: true, default: [] }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const file = positionals[0]!;
    const anchors = loadAnchorFiles(values.anchor);
    let report;
    try {
      report = inspectList(readInputFile(file, 'list'), anchors.length > 0 ? anchors : undefined);
    } catch (err) {
      if (err instanceof TrustError) throw new UsageError(`${file}: ${err.message}`);
      throw err;
    }
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return anchors.length === 0 || report.signature.status === 'valid' ? 0 : 1;
  });
}
