// The SM3 hash (GB/T 32905-2016), pure TypeScript: Electron's BoringSSL has no SM3, and the
// SM2-SM3 signature needs it. Padding and streaming come from @noble/hashes' Merkle–Damgård base.
import { HashMD } from '@noble/hashes/_md.js';
import { clean, createHasher, rotl } from '@noble/hashes/utils.js';

const IV = Uint32Array.of(0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e);

/** Round constants already rotated: T'_j = T_j <<< (j mod 32). */
const T_ROT = /* @__PURE__ */ (() => {
  const t = new Int32Array(64);
  for (let j = 0; j < 64; j++) t[j] = rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32);
  return t;
})();

// Shared schedule buffers: hashing is synchronous, so one pair serves every instance.
const W = new Int32Array(68);

/** One SM3 state; use through `sm3(data)` or `sm3.create().update(a).update(b).digest()`. */
export class Sm3 extends HashMD<Sm3> {
  private A = IV[0]! | 0;
  private B = IV[1]! | 0;
  private C = IV[2]! | 0;
  private D = IV[3]! | 0;
  private E = IV[4]! | 0;
  private F = IV[5]! | 0;
  private G = IV[6]! | 0;
  private H = IV[7]! | 0;

  constructor() {
    super(64, 32, 8, false);
  }

  protected get(): [number, number, number, number, number, number, number, number] {
    return [this.A, this.B, this.C, this.D, this.E, this.F, this.G, this.H];
  }

  protected set(A: number, B: number, C: number, D: number, E: number, F: number, G: number, H: number): void {
    this.A = A | 0;
    this.B = B | 0;
    this.C = C | 0;
    this.D = D | 0;
    this.E = E | 0;
    this.F = F | 0;
    this.G = G | 0;
    this.H = H | 0;
  }

  protected process(view: DataView, offset: number): void {
    for (let i = 0; i < 16; i++, offset += 4) W[i] = view.getUint32(offset, false);
    for (let j = 16; j < 68; j++) {
      const x = W[j - 16]! ^ W[j - 9]! ^ rotl(W[j - 3]!, 15);
      W[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(W[j - 13]!, 7) ^ W[j - 6]!;
    }
    let { A, B, C, D, E, F, G, H } = this;
    for (let j = 0; j < 64; j++) {
      const a12 = rotl(A, 12);
      const ss1 = rotl((a12 + E + T_ROT[j]!) | 0, 7);
      const ss2 = ss1 ^ a12;
      const w = W[j]!;
      const wp = w ^ W[j + 4]!;
      let tt1: number;
      let tt2: number;
      if (j < 16) {
        tt1 = ((A ^ B ^ C) + D + ss2 + wp) | 0;
        tt2 = ((E ^ F ^ G) + H + ss1 + w) | 0;
      } else {
        tt1 = (((A & B) | (A & C) | (B & C)) + D + ss2 + wp) | 0;
        tt2 = (((E & F) | (~E & G)) + H + ss1 + w) | 0;
      }
      D = C;
      C = rotl(B, 9);
      B = A;
      A = tt1;
      H = G;
      G = rotl(F, 19);
      F = E;
      E = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
    }
    // SM3 chains by XOR, not by addition as SHA-2 does.
    this.set(A ^ this.A, B ^ this.B, C ^ this.C, D ^ this.D, E ^ this.E, F ^ this.F, G ^ this.G, H ^ this.H);
  }

  protected roundClean(): void {
    clean(W);
  }

  _cloneInto(to?: Sm3): Sm3 {
    const target = to ?? new Sm3();
    target.set(...this.get());
    return this._cloneIntoMeta(target);
  }

  destroy(): void {
    this.destroyed = true;
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
    clean(this.buffer);
  }
}

/** SM3 digest (32 bytes) of `data`; `sm3.create()` gives an incremental hasher. */
export const sm3 = /* @__PURE__ */ createHasher(() => new Sm3());
