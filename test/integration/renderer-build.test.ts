// The screen's build: index.html with nothing inline (the strict CSP allows no inline script or
// style), one script and one stylesheet, and no runtime code from main/ (types only cross over).
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Metafile } from 'esbuild';
import { buildRenderer, metaPolicy } from '../../renderer/build.js';

let outdir: string;
let metafile: Metafile;

beforeAll(async () => {
  outdir = await mkdtemp(path.join(tmpdir(), 'verikiosk-renderer-'));
  metafile = await buildRenderer(outdir);
}, 60_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

test('writes index.html, kiosk.js and kiosk.css', async () => {
  const files = (await readdir(outdir)).sort();
  expect(files.filter((file) => !file.endsWith('.map'))).toEqual(['index.html', 'kiosk.css', 'kiosk.js']);
});

test('index.html has no inline script, style or handler, and loads only its own files', async () => {
  const html = await readFile(path.join(outdir, 'index.html'), 'utf8');
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/<style/i);
  expect(html).not.toMatch(/\sstyle=/i);
  expect(html).not.toMatch(/\son[a-z]+=/i);
  expect([...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1])).toEqual(['data:,', './kiosk.css', './kiosk.js']);
  const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  expect(meta).toBe(metaPolicy());
  expect(meta).toContain(`script-src 'self'`);
  expect(meta).not.toContain('frame-ancestors');
});

test('the bundle holds nothing of main/ and no zod: the screen gets the contract as types only', () => {
  const inputs = Object.keys(metafile.inputs);
  expect(inputs.some((input) => input.startsWith('renderer/'))).toBe(true);
  expect(inputs.filter((input) => input.startsWith('main/') || input.includes('node_modules/zod/'))).toEqual([]);
  expect(inputs.filter((input) => input.includes('node_modules/') && !input.includes('node_modules/preact/'))).toEqual([]);
});
