/**
 * The received image as a screen shows it: RGBA bytes updated in place as pixels land (missing
 * pixels transparent black), the bands that changed since the display last took them, and the
 * two views that need a whole-image pass: the concealed copy and the loss mask. It knows nothing
 * of packets: the transfer's placer writes pixels through {@link PictureWriter}, and what has
 * arrived comes from the transfer's {@link Coverage}.
 */
import { conceal } from './conceal.ts';
import { BAND_ROWS, DirtyBands, type Rect } from './dirty-bands.ts';

/** What the placer needs of a picture. */
export interface PictureWriter {
  /**
   * One RGBA word per pixel, raster order, little-endian like every browser and Node platform
   * the product runs on: a word r | g << 8 | b << 16 | a << 24 lands as bytes r, g, b, a.
   */
  readonly words: Uint32Array;
  /** The pixels from raster index `first` to `last` (inclusive) were written. */
  changed(first: number, last: number): void;
}

/** Which pixels have arrived, as the transfer knows it. */
export interface Coverage {
  /** One byte per pixel, raster order: 1 where the pixel has not arrived. */
  missingPixelMask(): Uint8Array;
  /** True when every pixel has arrived. */
  readonly complete: boolean;
}

export class Picture implements PictureWriter {
  readonly width: number;
  readonly height: number;
  /** RGBA bytes of the received pixels; missing pixels are transparent black. */
  readonly rgba: Uint8ClampedArray;
  readonly words: Uint32Array;
  /**
   * Rows per band of change tracking: a display that cuts the picture into strips of whole
   * bands repaints a changed band in one strip.
   */
  readonly bandRows = BAND_ROWS;
  private readonly bands: DirtyBands;
  private readonly listeners = new Set<() => void>();

  constructor(
    width: number,
    height: number,
    private readonly coverage: Coverage,
  ) {
    this.width = width;
    this.height = height;
    this.rgba = new Uint8ClampedArray(width * height * 4);
    this.words = new Uint32Array(this.rgba.buffer);
    this.bands = new DirtyBands(width, height);
  }

  changed(first: number, last: number): void {
    const wasDirty = this.bands.dirty;
    this.bands.addSpan(first, last);
    if (!wasDirty) for (const listener of this.listeners) listener();
  }

  /**
   * Calls `listener` whenever the picture goes from nothing to take to changes waiting: once per
   * {@link takeDirtyRects} that emptied it, not per pixel written. Returns the unsubscribe.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Rectangles that changed since they were last taken, at most `maxPixels` of them in all (at
   * least one rectangle when anything changed); an empty list when nothing did. What is left
   * over comes with the next call, so a display can spread a large repaint over frames.
   */
  takeDirtyRects(maxPixels = Infinity): Rect[] {
    return this.bands.take(maxPixels);
  }

  /** True when rectangles wait to be taken. */
  get hasDirtyRects(): boolean {
    return this.bands.dirty;
  }

  /** One byte per pixel, raster order: 1 where the pixel has not arrived. */
  missingPixelMask(): Uint8Array {
    return this.coverage.missingPixelMask();
  }

  /**
   * RGBA for display: the received pixels, with the missing ones concealed from their
   * neighbours when `concealMissing` is set. Always a fresh buffer (`into` is reused when given).
   * Its cost grows with the image: call it on a toggle, a timer or the final state, not per frame.
   */
  displayRgba(concealMissing: boolean, into?: Uint8ClampedArray): Uint8ClampedArray {
    const out = into ?? new Uint8ClampedArray(this.rgba.length);
    out.set(this.rgba);
    if (concealMissing && !this.coverage.complete) {
      conceal(new Uint32Array(out.buffer, out.byteOffset, out.length / 4), this.missingPixelMask(), this.width, this.height);
    }
    return out;
  }
}
