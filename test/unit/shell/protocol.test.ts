// The app:// protocol: files of the built renderer only, with the shared headers; no listing,
// no way out of the folder, no other host; plus the preload bundle's contents.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/api/csp.js';
import { APP_ENTRY_URL, appProtocolHandler, isAppUrl, rendererPathOf } from '../../../main/shell/protocol.js';

let base: string;
let root: string;
const fetched: string[] = [];
// Stands in for Electron's net.fetch of a file:// URL (which types files by extension).
const net = {
  fetch: async (url: string) => {
    fetched.push(url);
    const body = readFileSync(fileURLToPath(url));
    const type = url.endsWith('.js') ? 'text/javascript' : url.endsWith('.html') ? 'text/html' : 'application/octet-stream';
    return new Response(body, { headers: { 'content-type': type } });
  },
};

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'verikiosk-app-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'kiosk.js'), 'void 0');
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('app:// URLs', () => {
  it('knows its own pages', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    for (const url of ['app://evil/index.html', 'file:///x', 'https://kiosk/', 'app://kiosk.evil/', 'not a url']) expect(isAppUrl(url), url).toBe(false);
  });

  it('maps a path inside the renderer folder and nothing outside it', () => {
    expect(rendererPathOf(root, 'app://kiosk/')).toBe(join(root, 'index.html'));
    expect(rendererPathOf(root, 'app://kiosk/kiosk.js?x=1#y')).toBe(join(root, 'kiosk.js'));
    for (const url of [
      'app://kiosk/../secret.txt',
      'app://kiosk/%2e%2e/secret.txt',
      'app://kiosk/assets/..%2f..%2fsecret.txt',
      'app://kiosk/..%5csecret.txt',
      'app://kiosk/index.html%00.js',
      'app://kiosk/%E0%A4%A',
      'app://other/index.html',
    ]) {
      // `..` in a URL is resolved by the URL parser itself: what is left must stay inside.
      const path = rendererPathOf(root, url);
      expect(path === undefined || path.startsWith(`${root}/`), `${url} → ${path}`).toBe(true);
    }
  });
});

describe('appProtocolHandler', () => {
  const handler = () => appProtocolHandler(root, net);

  it('serves a renderer file with the CSP, nosniff and its type', async () => {
    const res = await handler()(new Request('app://kiosk/kiosk.js'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('void 0');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toBe('text/javascript');
  });

  it('lists no directory and serves nothing outside', async () => {
    fetched.length = 0;
    for (const url of ['app://kiosk/assets', 'app://kiosk/assets/', 'app://kiosk/%2e%2e/secret.txt', 'app://kiosk/missing.js']) {
      const res = await handler()(new Request(url));
      expect(res.status, url).toBe(404);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
    expect(fetched).toEqual([]);
  });

  it('does not follow a symlink out of the folder', async () => {
    symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
    const res = await handler()(new Request('app://kiosk/link.txt'));
    expect(res.status).toBe(404);
  });

  it('answers only GET and HEAD', async () => {
    const res = await handler()(new Request('app://kiosk/index.html', { method: 'POST', body: 'x' }));
    expect(res.status).toBe(405);
  });
});
