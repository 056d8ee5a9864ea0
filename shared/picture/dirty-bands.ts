/**
 * What changed since the display last repainted, kept per band of {@link BAND_ROWS} rows: each band
 * holds the bounding box of its own changes. One bounding box for the whole image would grow to
 * the whole image as soon as two packets land far apart (repair rounds resend packets from
 * everywhere), and repainting 24 megapixels costs tens of milliseconds in one go; bands keep the
 * repaint close to what really changed, and let the UI spread a large repaint over frames.
 */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Rows per band: a full-width band of a 4000-pixel-wide image is 64,000 pixels (256 KB of RGBA). */
export const BAND_ROWS = 16;

export class DirtyBands {
  private readonly left: Int32Array;
  private readonly top: Int32Array;
  private readonly right: Int32Array;
  private readonly bottom: Int32Array;
  /** Band where the next budget-limited take starts, so that no band waits forever. */
  private cursor = 0;
  private dirtyCount = 0;

  constructor(
    private readonly width: number,
    height: number,
  ) {
    const bands = Math.ceil(height / BAND_ROWS);
    this.left = new Int32Array(bands).fill(-1);
    this.top = new Int32Array(bands);
    this.right = new Int32Array(bands);
    this.bottom = new Int32Array(bands);
  }

  /** True when something changed since the last take. */
  get dirty(): boolean {
    return this.dirtyCount > 0;
  }

  /** Adds the pixels from raster index `first` to `last` (inclusive). */
  addSpan(first: number, last: number): void {
    const width = this.width;
    const y0 = Math.floor(first / width);
    const y1 = Math.floor(last / width);
    // A span within one row is a strip of it; one that wraps touches every column in between.
    const x0 = y0 === y1 ? first - y0 * width : 0;
    const x1 = y0 === y1 ? last - y1 * width : width - 1;
    for (let band = Math.floor(y0 / BAND_ROWS), end = Math.floor(y1 / BAND_ROWS); band <= end; band++) {
      const rowFrom = Math.max(y0, band * BAND_ROWS);
      const rowTo = Math.min(y1, band * BAND_ROWS + BAND_ROWS - 1);
      if (this.left[band] === -1) {
        this.dirtyCount++;
        this.left[band] = x0;
        this.right[band] = x1;
        this.top[band] = rowFrom;
        this.bottom[band] = rowTo;
      } else {
        if (x0 < this.left[band]!) this.left[band] = x0;
        if (x1 > this.right[band]!) this.right[band] = x1;
        if (rowFrom < this.top[band]!) this.top[band] = rowFrom;
        if (rowTo > this.bottom[band]!) this.bottom[band] = rowTo;
      }
    }
  }

  /**
   * Takes changed rectangles (one per changed band) totalling at most `maxPixels`, at least one
   * when anything changed; the rest stay for the next take. Rectangles of adjacent bands that
   * span the same columns come merged.
   */
  take(maxPixels = Infinity): Rect[] {
    const rects: { x: number; y: number; width: number; height: number }[] = [];
    const bands = this.left.length;
    let pixels = 0;
    for (let i = 0; i < bands && this.dirtyCount > 0; i++) {
      const band = (this.cursor + i) % bands;
      const x = this.left[band]!;
      if (x === -1) continue;
      const width = this.right[band]! - x + 1;
      const height = this.bottom[band]! - this.top[band]! + 1;
      if (rects.length > 0 && pixels + width * height > maxPixels) {
        this.cursor = band;
        return rects;
      }
      pixels += width * height;
      this.left[band] = -1;
      this.dirtyCount--;
      const previous = rects.at(-1);
      if (previous && previous.x === x && previous.width === width && previous.y + previous.height === this.top[band]) {
        previous.height += height;
      } else {
        rects.push({ x, y: this.top[band]!, width, height });
      }
    }
    this.cursor = 0;
    return rects;
  }
}
