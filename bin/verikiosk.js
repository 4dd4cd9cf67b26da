#!/usr/bin/env node
// Entry point of the `verikiosk` command: runs the compiled CLI from dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/main/cli/index.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('verikiosk: not built yet; run `npm install` (or `npm run build`) in the project first\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
