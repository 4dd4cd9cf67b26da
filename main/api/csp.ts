// What the screen may load: one Content-Security-Policy, sent by the Electron shell (app://) and
// by browser mode (http://127.0.0.1) alike, so the renderer is built to fit exactly one policy.

/**
 * Only the renderer's own files. No inline script or style, no eval, no plugins, no frames, no
 * forms. `connect-src 'self'` covers browser mode's WebSocket (CSP 3 lets 'self' match ws: on the
 * same host and port); Electron's renderer connects nowhere. Photos arrive as `data:` URLs.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every screen response carries, whatever serves it. */
export const SCREEN_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The camera is main's business; the screen never asks for devices or location.
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};

/** The same policy as a `<meta>` tag can carry it: browsers ignore frame-ancestors there (and warn). */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
