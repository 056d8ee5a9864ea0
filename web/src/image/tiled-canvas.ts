/**
 * A large image on screen as a stack of full-width strips, each its own canvas, 1 image pixel =
 * 1 canvas pixel; CSS scales the stack as one picture.
 *
 * Why not one canvas: Chromium hands a changed canvas to the compositor by copying its bitmap,
 * and the first frames of a freshly sized canvas also allocate the bitmaps it is copied into.
 * With software rendering (no GPU), one 4000 × 3000 canvas took 237, 457 and 333 ms for its
 * first three commits, on the main thread, in the middle of a transfer
 * (`TRACE_PARTS=health npx tsx bench/e2e/transfer-trace.ts`). Strips bound each of those costs
 * to a strip's size, spread over the frames that first paint each strip.
 */
import { BAND_ROWS, type Rect } from '../../../shared/transfer/index.ts';

/** Pixels per strip, roughly: a quarter of a megapixel, 1 MB of RGBA. */
const TILE_PIXELS = 1 << 18;

export class TiledCanvas {
  readonly width: number;
  readonly height: number;
  /** Rows per strip (the last may be shorter): whole bands of the receiver's dirty tracking. */
  readonly tileRows: number;
  readonly #contexts: CanvasRenderingContext2D[] = [];
  readonly #views = new WeakMap<Uint8ClampedArray, ImageData>();

  /** Replaces whatever `host` held with the strips of a `width` × `height` image. */
  constructor(host: HTMLElement, width: number, height: number) {
    this.width = width;
    this.height = height;
    this.tileRows = Math.min(height, BAND_ROWS * Math.max(1, Math.round(TILE_PIXELS / (width * BAND_ROWS))));
    const canvases: HTMLCanvasElement[] = [];
    for (let top = 0; top < height; top += this.tileRows) {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = Math.min(this.tileRows, height - top);
      canvas.dataset.top = String(top);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('canvas 2D context unavailable');
      this.#contexts.push(context);
      canvases.push(canvas);
    }
    host.replaceChildren(...canvases);
  }

  /** The strip holding image row `y`. */
  tileOf(y: number): number {
    return Math.floor(y / this.tileRows);
  }

  /** Copies `rect` of `rgba` (the whole image's RGBA) onto the strips it crosses. */
  paintRect(rgba: Uint8ClampedArray, rect: Rect): void {
    const view = this.#view(rgba);
    const last = this.tileOf(rect.y + rect.height - 1);
    for (let tile = this.tileOf(rect.y); tile <= last; tile++) {
      const top = tile * this.tileRows;
      const y0 = Math.max(rect.y, top);
      const y1 = Math.min(rect.y + rect.height, top + this.tileRows);
      // The whole image's ImageData, shifted up by the strip's top: only the dirty part is copied.
      this.#contexts[tile]!.putImageData(view, 0, -top, rect.x, y0, rect.width, y1 - y0);
    }
  }

  paintAll(rgba: Uint8ClampedArray): void {
    this.paintRect(rgba, { x: 0, y: 0, width: this.width, height: this.height });
  }

  /** The picture as one PNG, drawn from the strips. */
  async toPngBlob(): Promise<Blob> {
    const whole = new OffscreenCanvas(this.width, this.height);
    const context = whole.getContext('2d');
    if (!context) throw new Error('canvas 2D context unavailable');
    this.#contexts.forEach((strip, tile) => context.drawImage(strip.canvas, 0, tile * this.tileRows));
    return whole.convertToBlob({ type: 'image/png' });
  }

  #view(rgba: Uint8ClampedArray): ImageData {
    let view = this.#views.get(rgba);
    if (!view) {
      view = new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, this.width, this.height);
      this.#views.set(rgba, view);
    }
    return view;
  }
}
