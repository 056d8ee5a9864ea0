/** What arrived, saved to the user's disk: BMP in the image's own pixel format (PNG: TiledCanvas.toPngBlob). */
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
