/**
 * Draws a NativeImage on a canvas no larger than the preview is shown (CSS: at most 16 × 12 rem),
 * at twice that for sharp high-density screens. A canvas the image's own size costs the page over
 * 100 ms per commit for a 4000×3000 image in its first frames, which are often the first frames of
 * its transfer (`TRACE_PARTS=health npx tsx tools/diagnostics/transfer-trace.ts` lists such tasks).
 */
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { toRgba } from '../../../shared/pixels/to-rgba.ts';

/** Longest side of the preview canvas, in canvas pixels. */
const MAX_SIDE = 512;

/** Scaling is asynchronous: nothing is drawn if `wanted()` says the image has been replaced meanwhile. */
export async function paintPreview(canvas: HTMLCanvasElement, image: NativeImage, wanted: () => boolean): Promise<void> {
  const rgba = toRgba(image);
  const data = new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength) as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
  const scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
  const bitmap = await createImageBitmap(data, {
    resizeWidth: Math.max(1, Math.round(image.width * scale)),
    resizeHeight: Math.max(1, Math.round(image.height * scale)),
    resizeQuality: 'medium',
  });
  if (!wanted()) {
    bitmap.close();
    return;
  }
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('canvas 2D context unavailable');
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
}
