// Bundles the Electron preload into dist/main/shell/preload.cjs: a sandboxed preload must be one
// CommonJS file that requires nothing but `electron`. Fails the build if anything else got in.
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PRELOAD_OUT = 'dist/main/shell/preload.cjs';
/** What the preload may contain: its own two files and the channel names. */
const ALLOWED_INPUTS = new Set(['main/shell/preload.ts', 'main/shell/preload-api.ts', 'main/api/channels.ts']);

export async function buildPreload(outfile = PRELOAD_OUT): Promise<void> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['main/shell/preload.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 45 runs Node 22.
    target: 'node22',
    external: ['electron'],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, p.startsWith('/') ? p : `${ROOT}/${p}`));
  const stray = inputs.filter((p) => !ALLOWED_INPUTS.has(p));
  if (stray.length > 0) throw new Error(`preload: only ${[...ALLOWED_INPUTS].join(', ')} may be bundled; found ${stray.join(', ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildPreload();
