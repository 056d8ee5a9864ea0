/**
 * Puts RGBA buffers on a canvas whose size is the image's, 1 image pixel = 1 canvas pixel.
 * The ImageData objects are views of the caller's buffers, never copies, and a rectangle
 * paint copies only that rectangle to the canvas.
 */
import type { Rect } from '../../../shared/transfer/index.ts';

export class CanvasPainter {
  readonly #context: CanvasRenderingContext2D;
  readonly #width: number;
  readonly #height: number;
  readonly #views = new WeakMap<Uint8ClampedArray, ImageData>();

  constructor(canvas: HTMLCanvasElement, width: number, height: number) {
    const context = canvas.getContext('2d');
    if (!context) throw new Error('canvas 2D context unavailable');
    canvas.width = width;
    canvas.height = height;
    this.#context = context;
    this.#width = width;
    this.#height = height;
  }

  paintRect(rgba: Uint8ClampedArray, rect: Rect): void {
    this.#context.putImageData(this.#view(rgba), 0, 0, rect.x, rect.y, rect.width, rect.height);
  }

  paintAll(rgba: Uint8ClampedArray): void {
    this.#context.putImageData(this.#view(rgba), 0, 0);
  }

  #view(rgba: Uint8ClampedArray): ImageData {
    let view = this.#views.get(rgba);
    if (!view) {
      view = new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, this.#width, this.#height);
      this.#views.set(rgba, view);
    }
    return view;
  }
}
