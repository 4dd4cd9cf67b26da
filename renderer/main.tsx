// The screen's entry point: connect to main (Electron's preload object or browser mode's
// WebSocket) and show the kiosk.
import { render } from 'preact';
import { connectKiosk } from './api/index.js';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) render(<App link={connectKiosk(window)} />, root);
