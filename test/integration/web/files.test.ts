// Browser mode serving the renderer over real HTTP on loopback: the right files with the right
// types and the shared CSP, nothing outside the renderer folder, no listings, no foreign Host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/api/csp.js';
import { startWebServer } from '../../../main/web/index.js';
import type { WebServer } from '../../../main/web/index.js';
import { FakeKiosk } from '../../support/fake-kiosk.js';
import { makeRendererDir, raw } from './helpers.js';
import type { RendererFixture } from './helpers.js';

let fixture: RendererFixture;
let server: WebServer;

beforeAll(async () => {
  fixture = makeRendererDir();
  server = await startWebServer({ service: new FakeKiosk(), rendererDir: fixture.root, host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
  fixture.remove();
});

describe('startWebServer: the renderer files', () => {
  it('listens on 127.0.0.1 and hands out a URL carrying a long random token', () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBe(server.port);
    expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves index.html at / with the shared CSP, nosniff and no caching', async () => {
    const res = await raw(server.port, '/?token=whatever');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>kiosk</title>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('gives each asset its MIME type and the same CSP', async () => {
    const js = await raw(server.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await raw(server.port, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await raw(server.port, '/assets/fonts/a.woff2')).headers['content-type']).toBe('font/woff2');
  });

  it('the CSP allows nothing inline, no eval and no foreign origin', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*|http:|https:/);
  });

  it('answers HEAD without a body', async () => {
    const res = await raw(server.port, '/assets/app.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-length']).toBe(String('console.log("screen");'.length));
  });

  it('lists no directory', async () => {
    for (const path of ['/assets', '/assets/', '/assets/fonts/']) {
      const res = await raw(server.port, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('app.js');
    }
  });

  it('refuses every way out of the renderer folder', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/escape.txt', // a symlink pointing outside
      '/index.html%00.js',
      '/%ff',
      '//127.0.0.1/secret.txt',
    ];
    for (const path of attempts) {
      const res = await raw(server.port, path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body, path).not.toContain('SECRET-OUTSIDE-ROOT');
      expect(res.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('answers only GET and HEAD', async () => {
    const res = await raw(server.port, '/index.html', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('refuses a Host other than its own (DNS rebinding)', async () => {
    expect((await raw(server.port, '/', { host: `evil.example:${server.port}` })).status).toBe(421);
    expect((await raw(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(421);
  });

  it('refuses to listen beyond loopback', async () => {
    await expect(
      startWebServer({ service: new FakeKiosk(), rendererDir: fixture.root, host: '0.0.0.0' as '127.0.0.1' }),
    ).rejects.toThrow(/127\.0\.0\.1/);
  });
});
