// Picks the screen's one KioskApi: the object Electron's preload exposes as `window.verikiosk`, or
// else the browser-mode WebSocket client. The screen above this file cannot tell them apart.
import type { KioskApi } from '../../main/api/contract.js';
import { createWsKioskApi, kioskSocketUrl, takeToken, type LinkState } from './ws-client.js';

export type { LinkState };

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge; absent in browser mode. */
    readonly verikiosk?: KioskApi;
  }
}

/** The api, and whether the link to main is up (for the "reconnecting" screen). */
export interface KioskLink {
  readonly api: KioskApi;
  onLink(listener: (link: LinkState) => void): () => void;
}

export function connectKiosk(win: Window): KioskLink {
  const exposed = win.verikiosk;
  if (exposed) {
    // IPC to the main process has no link to lose: it lives and dies with the window.
    return {
      api: exposed,
      onLink(listener) {
        listener('open');
        return () => undefined;
      },
    };
  }
  const token = takeToken(win.location, win.history, sessionStore(win));
  const client = createWsKioskApi({ url: kioskSocketUrl(win.location, token) });
  return {
    api: client,
    onLink(listener) {
      listener(client.link);
      return client.onLink(listener);
    },
  };
}

function sessionStore(win: Window): Storage | undefined {
  try {
    return win.sessionStorage;
  } catch {
    return undefined;
  }
}
