// bmp-js ships no types; this is the part of its API the interoperability tests use.
declare module 'bmp-js' {
  interface DecodedBmp {
    readonly width: number;
    readonly height: number;
    /** 4 bytes per pixel in the order alpha (unused), blue, green, red; rows top-down. */
    readonly data: Buffer;
  }
  const bmpJs: { decode(bytes: Buffer): DecodedBmp };
  export default bmpJs;
}
