// Short-lived byte arrays on the verification hot path.

/**
 * `length` uninitialised bytes, carved from Node's shared buffer pool when short (under 4 KiB),
 * as a plain Uint8Array view. A `new Uint8Array(n)` of a few hundred bytes gets an ArrayBuffer of
 * its own, and each of those costs the young-generation collector work to sweep: with two such
 * arrays per scan the collector took about 4 µs of every verification. The caller must write
 * every byte, and must use byteOffset/byteLength with `.buffer` (the pool is shared).
 */
export function pooledBytes(length: number): Uint8Array {
  const b = Buffer.allocUnsafe(length);
  return new Uint8Array(b.buffer, b.byteOffset, length);
}
