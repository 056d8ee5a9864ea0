/**
 * Reading and checking the channel masks of a `masked` pixel format. A mask picks a run of
 * contiguous bits out of a little-endian 16- or 32-bit word (MS-BMP, "BI_BITFIELDS": "the bits
 * set in each DWORD mask must be contiguous and should not overlap the bits of another mask").
 */
import type { ChannelMasks } from './pixel-format.ts';

export interface MaskLayout {
  /** Position of the lowest set bit; 0 for an empty mask. */
  readonly shift: number;
  /** Number of set bits; 0 for an empty mask (the channel is absent). */
  readonly bits: number;
}

export function maskLayout(mask: number): MaskLayout {
  if (mask === 0) return { shift: 0, bits: 0 };
  const unsigned = mask >>> 0;
  const shift = 31 - Math.clz32(unsigned & -unsigned);
  const bits = 32 - Math.clz32(unsigned >>> shift);
  return { shift, bits };
}

function isContiguous(mask: number): boolean {
  const shifted = mask >>> maskLayout(mask).shift;
  // A run of ones plus one is a power of two, which shares no bit with the run.
  return (shifted & (shifted + 1)) === 0;
}

/**
 * Why these masks cannot describe a pixel of `bitsPerPixel` bits, or `undefined` when they can.
 * Returned as text so that each caller raises its own typed error with it.
 */
export function maskProblem(masks: ChannelMasks, bitsPerPixel: 16 | 32): string | undefined {
  const channels = [
    ['red', masks.red],
    ['green', masks.green],
    ['blue', masks.blue],
    ['alpha', masks.alpha],
  ] as const;
  const limit = 2 ** bitsPerPixel;
  for (const [name, mask] of channels) {
    if (!Number.isInteger(mask) || mask < 0 || mask >= limit) {
      return `${name} mask 0x${mask.toString(16)} does not fit in ${bitsPerPixel} bits`;
    }
    if (!isContiguous(mask)) return `${name} mask 0x${mask.toString(16)} is not one contiguous run of bits`;
  }
  if (masks.red === 0 && masks.green === 0 && masks.blue === 0) return 'red, green and blue masks are all empty';
  for (let i = 0; i < channels.length; i++) {
    for (let j = i + 1; j < channels.length; j++) {
      const [nameA, maskA] = channels[i]!;
      const [nameB, maskB] = channels[j]!;
      if ((maskA & maskB) !== 0) return `${nameA} and ${nameB} masks overlap`;
    }
  }
  return undefined;
}
