// Runs every benchmark in bench/ (files named *.bench.ts), one after another, or those named
// on the command line: `npm run bench -- sm2 status-list`.
//
// Each file runs in a fresh Node process (with --expose-gc, for the memory figures). In one
// shared process a benchmark inherited the heap the ones before it left: after the fuzz run
// (~300 MB resident) every young-generation collection took longer, and the verification
// ratio measured last moved from 1.28 to 1.34. A fresh process measures each as it would run alone.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const self = fileURLToPath(import.meta.url);
const [flag, only] = process.argv.slice(2);

if (flag === '--one' && only) {
  const mod = (await import(pathToFileURL(join(here, only)).href)) as { run: () => Promise<void> | void };
  await mod.run();
} else {
  const wanted = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  let failed = 0;
  for (const file of files) {
    console.log(`\n# ${file.replace(/\.bench\.ts$/, '')}`);
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--one', file], { stdio: 'inherit' });
    if (child.status !== 0) {
      failed++;
      console.log(`  ${file} stopped: ${child.signal ?? `exit status ${child.status}`}`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}
