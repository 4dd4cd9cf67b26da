// Builds the kiosk screen into dist/renderer: index.html, one script and one stylesheet — nothing
// inline, so the strict CSP holds. Run by `npm run build`; `--watch` rebuilds on change.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { CONTENT_SECURITY_POLICY } from '../main/api/csp.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RENDERER_OUT = path.join(ROOT, 'dist', 'renderer');

/**
 * index.html carries the same policy main sends as a header, as a backstop should the page ever be
 * served without it. `frame-ancestors` only works as a header (browsers warn about it in a meta).
 */
export function metaPolicy(policy = CONTENT_SECURITY_POLICY): string {
  return policy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive && !directive.startsWith('frame-ancestors'))
    .join('; ');
}

async function writeIndex(outdir: string): Promise<void> {
  const template = await readFile(path.join(ROOT, 'renderer', 'index.html'), 'utf8');
  await writeFile(path.join(outdir, 'index.html'), template.replace('%CONTENT_SECURITY_POLICY%', metaPolicy()));
}

function options(outdir: string): esbuild.BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: [
      { in: 'renderer/main.tsx', out: 'kiosk' },
      { in: 'renderer/styles.css', out: 'kiosk' },
    ],
    outdir,
    bundle: true,
    format: 'esm',
    // Electron 45 is Chromium 140; Debian's Chromium is newer.
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    metafile: true,
    plugins: [
      {
        name: 'index-html',
        setup(build) {
          build.onEnd(async (result) => {
            if (result.errors.length === 0) await writeIndex(outdir);
          });
        },
      },
    ],
  };
}

/** Builds into `outdir`; the metafile lists every source file that went into the bundle. */
export async function buildRenderer(outdir = RENDERER_OUT): Promise<esbuild.Metafile> {
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build(options(outdir));
  return result.metafile ?? { inputs: {}, outputs: {} };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--watch')) {
    await mkdir(RENDERER_OUT, { recursive: true });
    const context = await esbuild.context(options(RENDERER_OUT));
    await context.watch();
    console.log(`watching renderer/ → ${path.relative(process.cwd(), RENDERER_OUT)}`);
  } else {
    await buildRenderer();
  }
}
