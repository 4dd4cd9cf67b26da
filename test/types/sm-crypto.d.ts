// Types for the parts of `sm-crypto` (an independent SM2/SM3 implementation, dev-only) that the
// SM2 interoperability tests and benchmark call; the package ships none.
declare module 'sm-crypto' {
  type Bytes = string | Uint8Array | number[];
  interface Sm2Options {
    /** Apply Z_A and SM3 (true) or treat the message as the digest (false). */
    hash?: boolean;
    /** DER-encoded signature (true) or r ‖ s hex (false). */
    der?: boolean;
    /** Signer ID as a UTF-8 string; default "1234567812345678". */
    userId?: string;
    publicKey?: string;
  }
  const smCrypto: {
    sm2: {
      generateKeyPairHex(): { privateKey: string; publicKey: string };
      getPublicKeyFromPrivateKey(privateKey: string): string;
      doSignature(msg: Bytes, privateKey: string, options?: Sm2Options): string;
      doVerifySignature(msg: Bytes, signature: string, publicKey: string, options?: Sm2Options): boolean;
    };
    sm3(data: Bytes): string;
  };
  export default smCrypto;
}
