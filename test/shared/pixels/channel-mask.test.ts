import { describe, expect, it } from 'vitest';
import { maskLayout, maskProblem } from '../../../shared/pixels/channel-mask.ts';
import { MASKS_555, MASKS_ARGB32 } from '../../../shared/pixels/pixel-format.ts';

describe('channel masks', () => {
  it('finds where a mask starts and how wide it is', () => {
    expect(maskLayout(0)).toEqual({ shift: 0, bits: 0 });
    expect(maskLayout(0x7c00)).toEqual({ shift: 10, bits: 5 });
    expect(maskLayout(0xff000000)).toEqual({ shift: 24, bits: 8 });
    expect(maskLayout(0xffffffff)).toEqual({ shift: 0, bits: 32 });
  });

  it('accepts the standard masks', () => {
    expect(maskProblem(MASKS_555, 16)).toBeUndefined();
    expect(maskProblem(MASKS_ARGB32, 32)).toBeUndefined();
    expect(maskProblem({ red: 0xffffffff, green: 0, blue: 0, alpha: 0 }, 32)).toBeUndefined();
  });

  it('says what is wrong with masks that cannot describe a pixel', () => {
    expect(maskProblem({ ...MASKS_555, green: 0x0280 }, 16)).toBe('green mask 0x280 is not one contiguous run of bits');
    expect(maskProblem({ ...MASKS_555, alpha: 0x18000 }, 16)).toBe('alpha mask 0x18000 does not fit in 16 bits');
    expect(maskProblem({ ...MASKS_555, alpha: 0xc000 }, 16)).toBe('red and alpha masks overlap');
    expect(maskProblem({ red: 0, green: 0, blue: 0, alpha: 0xff }, 16)).toBe('red, green and blue masks are all empty');
  });
});
