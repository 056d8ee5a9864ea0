// bmp-js ships no types; this is the part of its API our interoperability tests and the BMP benchmark use.
declare module 'bmp-js' {
  interface DecodedBmp {
    readonly width: number;
    readonly height: number;
    /** 4 bytes per pixel in the order alpha (unused), blue, green, red; rows top-down. */
    readonly data: Buffer;
  }
  interface EncodedBmp {
    readonly data: Buffer;
  }
  const bmpJs: {
    decode(bytes: Buffer): DecodedBmp;
    /** Writes a 24-bit BMP from 4-byte ABGR pixels. */
    encode(image: { width: number; height: number; data: Buffer }): EncodedBmp;
  };
  export default bmpJs;
}
