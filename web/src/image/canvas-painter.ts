/**
 * Paints an RGBA buffer that fills up packet by packet onto a canvas: at most once per
 * animation frame, and only the rectangle that changed since the last frame, so a
 * 24-megapixel image arriving at full speed costs a few small putImageData calls per frame.
 */
import type { Rect } from '../../../shared/transfer/dirty-rect.ts';

export class CanvasPainter {
  readonly #context: CanvasRenderingContext2D;
  readonly #image: ImageData;
  readonly #takeDirty: () => Rect | null;
  #frame = 0;

  /** `rgba` is shared, not copied: the ImageData is a view of the receiver's buffer. */
  constructor(canvas: HTMLCanvasElement, rgba: Uint8ClampedArray<ArrayBuffer>, width: number, height: number, takeDirty: () => Rect | null) {
    const context = canvas.getContext('2d');
    if (!context) throw new Error('canvas 2D context unavailable');
    canvas.width = width;
    canvas.height = height;
    this.#context = context;
    this.#image = new ImageData(rgba, width, height);
    this.#takeDirty = takeDirty;
  }

  /** Something changed: paint it on the next frame (calls within one frame coalesce). */
  invalidate(): void {
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#paint());
  }

  /** Paints the whole buffer now, e.g. after concealment rewrote it. */
  paintAll(): void {
    this.#takeDirty();
    this.#context.putImageData(this.#image, 0, 0);
  }

  stop(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #paint(): void {
    this.#frame = 0;
    const rect = this.#takeDirty();
    if (rect) this.#context.putImageData(this.#image, 0, 0, rect.x, rect.y, rect.width, rect.height);
  }
}
