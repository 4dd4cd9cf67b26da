// The crash drill at full size: 1,000 SIGKILLs of a child appending to the audit log (the issue's
// benchmark-suite figure; CI runs 50). Every acknowledged record must survive and every log
// verify. Set AUDIT_CRASH_ROUNDS for a shorter or longer run.
import { runCrashLoop } from '../test/integration/store/crash-loop.js';
import { report } from './lib.js';

export async function run(): Promise<void> {
  const rounds = Number(process.env.AUDIT_CRASH_ROUNDS ?? 1000);
  const result = await runCrashLoop({
    rounds,
    onRound: (round) => {
      if (round % 100 === 0) console.log(`  … ${round} kills`);
    },
  });
  const seconds = result.durationMs / 1000;
  console.log(
    `  ${result.rounds} kills in ${seconds.toFixed(0)} s (${(result.rounds / seconds).toFixed(2)} kills/s), ` +
      `${result.acknowledged} acknowledged appends checked`,
  );
  report({
    name: 'acknowledged records lost after SIGKILL',
    value: `${result.lost} of ${result.acknowledged}`,
    goal: '0',
    pass: result.lost === 0,
  });
  report({
    name: 'logs failing audit verify after SIGKILL',
    value: `${result.chainFailures} of ${result.rounds}`,
    goal: '0',
    pass: result.chainFailures === 0,
  });
  for (const problem of result.problems) console.log(`  ! ${problem}`);
}
