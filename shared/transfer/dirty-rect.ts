/** The bounding box of what changed since the UI last repainted, grown packet by packet. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export class DirtyRect {
  private left = Infinity;
  private top = Infinity;
  private right = -Infinity;
  private bottom = -Infinity;

  /** Adds the pixels from raster index `first` to `last` (inclusive) in an image `width` wide. */
  addSpan(first: number, last: number, width: number): void {
    const y0 = Math.floor(first / width);
    const y1 = Math.floor(last / width);
    // A span within one row is a strip of it; one that wraps touches every column in between.
    const x0 = y0 === y1 ? first - y0 * width : 0;
    const x1 = y0 === y1 ? last - y1 * width : width - 1;
    this.left = Math.min(this.left, x0);
    this.right = Math.max(this.right, x1);
    this.top = Math.min(this.top, y0);
    this.bottom = Math.max(this.bottom, y1);
  }

  /** Returns the box and starts a new one; null when nothing changed. */
  take(): Rect | null {
    if (this.right < this.left) return null;
    const rect = { x: this.left, y: this.top, width: this.right - this.left + 1, height: this.bottom - this.top + 1 };
    this.left = this.top = Infinity;
    this.right = this.bottom = -Infinity;
    return rect;
  }
}
