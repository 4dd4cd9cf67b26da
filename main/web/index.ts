// Browser mode's public face: the loopback server that gives the screen its files and the API.
export { startWebServer } from './server.js';
export type { ScreenService, WebLogger, WebServer, WebServerOptions } from './server.js';
