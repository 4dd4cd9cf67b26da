// One Content-Security-Policy for the screen wherever it runs: the header of app:// and browser
// mode, and the renderer's own meta tag (the same policy, minus what a meta tag cannot carry).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, SCREEN_HEADERS } from '../../../main/api/csp.js';

describe('the screen CSP', () => {
  it('allows only the screen\'s own files: nothing inline, no eval, no other origin, no frames or plugins', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    for (const [name, sources] of directives) expect(sources.join(' '), name).not.toMatch(/unsafe|\*|https?:|ws:|blob:/);
    expect(SCREEN_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(SCREEN_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });

  it('is repeated exactly by the built renderer\'s index.html meta tag', () => {
    // renderer/build.ts writes the policy into the page; `npm test` builds first.
    const html = readFileSync('dist/renderer/index.html', 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY);
    expect(META_CONTENT_SECURITY_POLICY).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });
});
