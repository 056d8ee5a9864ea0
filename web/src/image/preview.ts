/** Draws a NativeImage on a canvas at full resolution (CSS scales it down). */
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { toRgba } from '../../../shared/pixels/to-rgba.ts';
import { CanvasPainter } from './canvas-painter.ts';

export function paintPreview(canvas: HTMLCanvasElement, image: NativeImage): void {
  const rgba = toRgba(image);
  const clamped = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  new CanvasPainter(canvas, image.width, image.height).paintAll(clamped);
}
