/** What arrived, saved to the user's disk: BMP in the image's own pixel format, or PNG of the picture as shown. */
import { encodeBmp } from '../../../shared/bmp/index.ts';
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';

export function bmpBlob(image: NativeImage): Blob {
  return new Blob([encodeBmp(image) as Uint8Array<ArrayBuffer>], { type: 'image/bmp' });
}

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click starts the download synchronously; the URL is only needed until then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** `photo.jpg` → `photo.received.bmp`. */
export function receivedName(original: string, extension: 'bmp' | 'png'): string {
  const stem = original.replace(/\.[^.]*$/, '') || 'image';
  return `${stem}.received.${extension}`;
}

/** A `width` × `height` RGBA buffer (the picture as shown) as a PNG. */
export function pngBlob(rgba: Uint8ClampedArray, width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('canvas 2D context unavailable');
  context.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
