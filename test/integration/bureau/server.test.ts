// The bureau as a program and over TLS: `npm run bureau` prints its URL first and answers; with
// a certificate and key it speaks HTTPS.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAnchors, verifySignedList } from '../../../main/trust/anchors.js';
import { call, startTestBureau, type TestBureau } from './fixtures.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'verikiosk-bureau-'));
  dirs.push(dir);
  return dir;
};
let t: TestBureau | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('npm run bureau', () => {
  it('prints its URL on the first line, serves the demo lists, logs JSON to stderr and stops on SIGTERM', async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tools/bureau/main.ts', '--port', '0', '--data', dir, '--demo', '--admin-token', 'tok'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    const match = /^bureau listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(String(first.value));
    expect(match, String(first.value)).not.toBeNull();
    const url = match![1]!;

    const tl1 = await call(`${url}/v1/lists/TL1`);
    expect(tl1.status).toBe(200);
    const anchors = loadAnchors(readFileSync(join(dir, 'keys/anchors.pem'), 'utf8'));
    expect(verifySignedList(tl1.bytes, anchors).payload.length).toBeGreaterThan(0);
    const codes = await call(`${url}/admin/enrolment-codes`, { headers: { authorization: 'Bearer tok' } });
    expect(codes.json.codes).toHaveLength(10);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const logged = stderr
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { msg: string; path?: string; status?: number });
    expect(logged.some((l) => l.path === '/v1/lists/TL1' && l.status === 200)).toBe(true);
  });

  it('refuses a bad option with a usage line and exit code 2', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'tools/bureau/main.ts', '--port', 'x'], { stdio: 'pipe' });
    } catch (err) {
      status = (err as { status: number }).status;
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toContain('--port must be 0..65535');
  });
});

describe('routing', () => {
  it('answers unknown paths with 404 and wrong methods with 405, as JSON errors with a Date header', async () => {
    t = await startTestBureau();
    const missing = await call(`${t.bureau.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('not_found');
    expect(missing.headers.get('date')).toBeTruthy();
    const wrong = await call(`${t.bureau.url}/v1/lists/TL1`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.json.error).toBe('method_not_allowed');
  });
});

describe('HTTPS', () => {
  it.skipIf(!hasOpenssl())('serves the API over TLS with the certificate given', async () => {
    const dir = tempDir();
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    t = await startTestBureau({ tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
    expect(t.bureau.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await new Promise<{ status: number; type: string }>((resolve, reject) => {
      httpsGet(`${t!.bureau.url}/v1/time?nonce=${'cd'.repeat(16)}`, { ca: cert }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) }));
      }).on('error', reject);
    });
    expect(answer).toEqual({ status: 200, type: 'application/cose' });
  });
});
