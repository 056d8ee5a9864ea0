/**
 * A large image on screen as a stack of full-width strips, each its own canvas; CSS scales the
 * stack as one picture. The strips are painted by a worker (strip-painter.ts) that owns them
 * through `transferControlToOffscreen`: the page copies the changed pixels out of its RGBA buffer
 * and posts them, the worker paints them.
 *
 * Why strips: Chromium hands a changed canvas to the compositor by copying its bitmap, and the
 * first frames of a freshly sized canvas also allocate the bitmaps it is copied into. With
 * software rendering (no GPU), one 4000 × 3000 canvas took 237, 457 and 333 ms for its first
 * three commits. Why a worker: even per strip, those copies ran on the page's main thread, at
 * 1–2 ms of CPU per megabyte and 3–14 ms of wall time with both cores busy; a 4000×3000 transfer
 * spent 374 ms in them (`TRACE_PARTS=health npx tsx tools/diagnostics/transfer-trace.ts`).
 *
 * Why at the screen's resolution: an image wider than its place on screen is drawn with the
 * pixels the screen shows of it (nearest-sample.ts), which is what the browser showed of the
 * full-size strips anyway. Every pixel painted costs the worker's putImageData and the copies to
 * the compositor; a full-HD transfer shown 800 pixels wide paints a sixth of them, which took
 * 45 ms off its time and 70 ms of CPU (`npx tsx tools/diagnostics/compare-builds.ts`, both ways round).
 */
import { sampleScreenRect, screenSpan, shownHeight } from '../../../shared/pixels/nearest-sample.ts';
import type { Rect } from '../../../shared/picture/index.ts';
import type { StripPainterMessage, StripPainterReply } from './strip-painter.ts';

/** Pixels per strip, roughly: a quarter of a megapixel, 1 MB of RGBA. */
const TILE_PIXELS = 1 << 18;

/** The page's one strip painter, started with the first TiledCanvas: not one per transfer. */
let painter: { worker: Worker; nextSet: number; nextSync: number; synced: Map<number, () => void> } | undefined;

function sharedPainter(): NonNullable<typeof painter> {
  if (!painter) {
    const worker = new Worker(new URL('./strip-painter.ts', import.meta.url), { type: 'module' });
    const synced = new Map<number, () => void>();
    worker.addEventListener('message', (event: MessageEvent<StripPainterReply>) => {
      synced.get(event.data.id)?.();
      synced.delete(event.data.id);
    });
    painter = { worker, nextSet: 0, nextSync: 0, synced };
  }
  return painter;
}

/** What a TiledCanvas needs to know of the picture it shows. */
export interface PictureShape {
  readonly width: number;
  readonly height: number;
  /** Rows per band of the picture's change tracking: at full size a strip holds whole bands. */
  readonly bandRows: number;
}

export class TiledCanvas {
  readonly width: number;
  readonly height: number;
  /** The strips' size in canvas pixels: the image's, or less where the screen shows it smaller. */
  readonly shown: { readonly width: number; readonly height: number };
  /** Canvas rows per strip (the last may be shorter). */
  readonly tileRows: number;
  readonly #painter = sharedPainter();
  readonly #set = this.#painter.nextSet++;
  #disposed = false;

  /**
   * Replaces whatever `host` held with the strips of `picture` shown `shownWidth` canvas pixels
   * across (at most its width).
   */
  constructor(host: HTMLElement, picture: PictureShape, shownWidth = picture.width) {
    const { width, height, bandRows } = picture;
    this.width = width;
    this.height = height;
    const shown = Math.max(1, Math.min(width, Math.round(shownWidth)));
    this.shown = { width: shown, height: shown === width ? height : shownHeight(width, height, shown) };
    // At full size a strip holds whole bands of the picture's change tracking.
    this.tileRows = Math.min(this.shown.height, bandRows * Math.max(1, Math.round(TILE_PIXELS / (shown * bandRows))));
    const canvases: HTMLCanvasElement[] = [];
    for (let top = 0; top < this.shown.height; top += this.tileRows) {
      const canvas = document.createElement('canvas');
      canvas.width = shown;
      canvas.height = Math.min(this.tileRows, this.shown.height - top);
      canvas.dataset.top = String(top);
      canvases.push(canvas);
    }
    host.replaceChildren(...canvases);
    const offscreen = canvases.map((canvas) => canvas.transferControlToOffscreen());
    this.#post({ type: 'strips', set: this.#set, canvases: offscreen }, offscreen);
  }

  get fullSize(): boolean {
    return this.shown.width === this.width;
  }

  /** The strip showing image row `y`. */
  tileOf(y: number): number {
    const row = this.fullSize ? y : screenSpan(y, y + 1, this.shown.height, this.height)[0];
    return Math.floor(Math.min(row, this.shown.height - 1) / this.tileRows);
  }

  /** Copies `rect` of `rgba` (the whole image's RGBA) to the strips it crosses, sampled when shown smaller. */
  paintRect(rgba: Uint8ClampedArray, rect: Rect): void {
    if (!this.fullSize) {
      this.#paintSampled(rgba, rect);
      return;
    }
    const last = this.tileOf(rect.y + rect.height - 1);
    for (let tile = this.tileOf(rect.y); tile <= last; tile++) {
      const top = tile * this.tileRows;
      const y0 = Math.max(rect.y, top);
      const y1 = Math.min(rect.y + rect.height, top + this.tileRows);
      const pixels = this.#copyRows(rgba, rect.x, rect.width, y0, y1);
      this.#post({ type: 'paint', set: this.#set, tile, x: rect.x, y: y0 - top, width: rect.width, height: y1 - y0, pixels }, [pixels]);
    }
  }

  paintAll(rgba: Uint8ClampedArray): void {
    this.paintRect(rgba, { x: 0, y: 0, width: this.width, height: this.height });
  }

  /** Resolves once the worker has painted everything sent so far; the screen shows it from its next frame. */
  whenPainted(): Promise<void> {
    if (this.#disposed) return Promise.resolve();
    const id = this.#painter.nextSync++;
    return new Promise((resolve) => {
      this.#painter.synced.set(id, resolve);
      this.#post({ type: 'sync', id });
    });
  }

  /** Lets the worker forget these strips; they keep their last picture, and paints are ignored from now on. */
  dispose(): void {
    if (this.#disposed) return;
    this.#post({ type: 'drop', set: this.#set });
    this.#disposed = true;
  }

  /** The canvas pixels whose samples lie in `rect`, strip by strip. */
  #paintSampled(rgba: Uint8ClampedArray, rect: Rect): void {
    const [x0, x1] = screenSpan(rect.x, rect.x + rect.width, this.shown.width, this.width);
    const [top0, top1] = screenSpan(rect.y, rect.y + rect.height, this.shown.height, this.height);
    if (x1 <= x0 || top1 <= top0) return;
    const words = new Uint32Array(rgba.buffer, rgba.byteOffset, this.width * this.height);
    for (let tile = Math.floor(top0 / this.tileRows), last = Math.floor((top1 - 1) / this.tileRows); tile <= last; tile++) {
      const top = tile * this.tileRows;
      const y0 = Math.max(top0, top);
      const y1 = Math.min(top1, top + this.tileRows);
      const pixels = sampleScreenRect(words, this, this.shown, { x0, x1, y0, y1 }).buffer;
      this.#post({ type: 'paint', set: this.#set, tile, x: x0, y: y0 - top, width: x1 - x0, height: y1 - y0, pixels }, [pixels]);
    }
  }

  /** Columns [x, x + width) of rows [y0, y1), as a buffer of its own to hand to the worker. */
  #copyRows(rgba: Uint8ClampedArray, x: number, width: number, y0: number, y1: number): ArrayBuffer {
    if (x === 0 && width === this.width) return rgba.slice(y0 * width * 4, y1 * width * 4).buffer;
    const out = new Uint8ClampedArray(width * (y1 - y0) * 4);
    for (let y = y0; y < y1; y++) {
      const from = (y * this.width + x) * 4;
      out.set(rgba.subarray(from, from + width * 4), (y - y0) * width * 4);
    }
    return out.buffer;
  }

  #post(message: StripPainterMessage, transfer: Transferable[] = []): void {
    if (!this.#disposed) this.#painter.worker.postMessage(message, transfer);
  }
}
