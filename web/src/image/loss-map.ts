/** The loss map overlay: missing pixels in translucent red, everything else clear. */

const MISSING_RGBA = 0xb0_50_1e_e6; // a = 0xb0, b = 0x50, g = 0x1e, r = 0xe6 (little-endian word)

export function lossMapRgba(missing: Uint8Array, into: Uint8ClampedArray): Uint8ClampedArray {
  const words = new Uint32Array(into.buffer, into.byteOffset, into.length / 4);
  for (let i = 0; i < missing.length; i++) words[i] = missing[i] ? MISSING_RGBA : 0;
  return into;
}
