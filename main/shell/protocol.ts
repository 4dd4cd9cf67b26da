// The app:// scheme the kiosk window loads from (never file://): registered standard and secure,
// it serves only files inside the built renderer, each with the shared CSP and security headers.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomScheme } from 'electron';
import { SCREEN_HEADERS } from '../api/csp.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Standard (a real origin, relative URLs resolve) and secure (a secure context, like https).
 * Nothing more: no CSP bypass, no service workers, no fetch or CORS from other origins.
 */
export const APP_SCHEME_PRIVILEGES: readonly CustomScheme[] = [
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false, supportFetchAPI: false, corsEnabled: false, stream: false, codeCache: false },
  },
];

/** True when `url` is a page of ours: app://kiosk/… */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The file inside `root` an app:// URL names, or undefined (other host, `..`, NUL, backslash). */
export function rendererPathOf(root: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = join(base, path);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return file;
}

/** What the protocol handler needs from Electron: net.fetch reads files (asar included). */
export interface FileFetch {
  fetch(url: string): Promise<Response>;
}

/** The app:// handler: GET of a renderer file → the file with the shared headers; anything else 404/405. */
export function appProtocolHandler(root: string, net: FileFetch): (request: Request) => Promise<Response> {
  const refuse = (status: number) => new Response(null, { status, headers: { ...SCREEN_HEADERS } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
    const file = rendererPathOf(root, request.url);
    if (!file) return refuse(404);
    let real: string;
    try {
      // A symlink must not lead out of the folder, and a directory would come back from file://
      // as a listing: only regular files inside are served.
      const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
      const rel = relative(realRoot, realFile);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return refuse(404);
      if (!(await stat(realFile)).isFile()) return refuse(404);
      real = realFile;
    } catch {
      return refuse(404);
    }
    const found = await net.fetch(pathToFileURL(real).href);
    if (!found.ok) return refuse(404);
    const headers = new Headers(SCREEN_HEADERS);
    headers.set('Content-Type', found.headers.get('content-type') ?? 'application/octet-stream');
    headers.set('Cache-Control', 'no-store');
    return new Response(request.method === 'HEAD' ? null : found.body, { status: 200, headers });
  };
}
