// zxing-cpp's .wasm comes from the package on disk: with the network taken away (fetch and
// streaming compilation stubbed to fail), it still loads and reads a code.
import { readFileSync } from 'node:fs';
import { afterAll, expect, it, vi } from 'vitest';

afterAll(() => {
  vi.unstubAllGlobals();
});

it('loads zxing-cpp and reads a code without any fetch', async () => {
  const fetch = vi.fn(() => Promise.reject(new Error('network access attempted')));
  const instantiateStreaming = vi.fn(() => Promise.reject(new Error('streaming compile attempted')));
  vi.stubGlobal('fetch', fetch);
  vi.stubGlobal('WebAssembly', { ...WebAssembly, instantiateStreaming });
  // Imported only now, so nothing in the module could have fetched before the stubs.
  const { loadZxingCpp, readWithZxingCpp } = await import('../../../../drivers/camera/qr-read.js');
  const { decodeImage } = await import('../../../../drivers/camera/image.js');
  await loadZxingCpp();
  const image = decodeImage(readFileSync('../shared/corpus/qr/qrcode-2/10.png'));
  expect(await readWithZxingCpp(image)).toBe(readFileSync('../shared/corpus/qr/qrcode-2/10.txt', 'utf8'));
  expect(fetch).not.toHaveBeenCalled();
  expect(instantiateStreaming).not.toHaveBeenCalled();
});
