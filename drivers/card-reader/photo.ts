// The plug-in point for the card photo: the 1,024-byte WLT block decodes only through a
// vendor's licensed library, which a site installs; none ships with the product.

export interface DecodedPhoto {
  /** e.g. `image/bmp`, `image/png`, `image/jpeg`. */
  readonly mime: string;
  readonly bytes: Uint8Array;
}

/** A site's WLT decoder (102 × 126 BGR in the vendors' libraries). */
export interface PhotoDecoder {
  decode(wlt: Uint8Array): Promise<DecodedPhoto>;
}
