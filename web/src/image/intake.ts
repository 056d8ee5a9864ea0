/**
 * A file from the user → the NativeImage we send. BMPs go through our reader and keep their
 * pixel format; anything else the browser can decode becomes 24- or 32-bit BMP pixel data.
 */
import { BmpError, BmpErrorCode, readBmp } from '../../../shared/bmp/index.ts';
import { CodedError } from '../../../shared/coded-error.ts';
import { fromRgba } from '../../../shared/pixels/from-rgba.ts';
import { MAX_IMAGE_PIXELS } from '../../../shared/pixels/max-image-pixels.ts';
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { crc32InTurns } from '../../../shared/transfer/index.ts';
import { bmpFacts, type BmpFacts } from './bmp-facts.ts';

export const MAX_FILE_MEGABYTES = 512;
/**
 * Files over this are refused before they are read. A BMP at the pixel ceiling and 64 bits per
 * pixel is 256 MiB, so every image within the ceiling fits.
 */
const MAX_FILE_BYTES = MAX_FILE_MEGABYTES * 1024 * 1024;

export interface PickedImage {
  name: string;
  image: NativeImage;
  /** Header facts for a BMP; null for an image the browser decoded. */
  bmp: BmpFacts | null;
  /** The MIME type of a converted image, e.g. `image/png`. */
  sourceType: string;
  fileBytes: number;
  /**
   * CRC-32 of the image's pixels, for the manifest: computed once here, while the person reaches
   * for Send, so that sending starts at once.
   */
  pixelsCrc32: number;
}

export type IntakeErrorCode =
  /** The file has no bytes. */
  | 'EMPTY'
  /** The file is over {@link MAX_FILE_MEGABYTES}. */
  | 'FILE_TOO_LARGE'
  /** The browser decoded it, but it has more than {@link MAX_IMAGE_PIXELS} pixels (`detail`: width×height). */
  | 'TOO_MANY_PIXELS'
  /** The browser cannot decode it. */
  | 'NOT_AN_IMAGE'
  /** The browser has no OffscreenCanvas 2D context to read the decoded pixels with. */
  | 'NO_OFFSCREEN_CANVAS'
  /** A BMP the reader refused: malformed (`BAD_BMP`), a variant it does not handle, or over the pixel limit (`detail`: the reader's message). */
  | 'BAD_BMP'
  | 'UNSUPPORTED_BMP'
  | 'BMP_TOO_LARGE';

export class IntakeError extends CodedError<IntakeErrorCode> {
  override readonly name = 'IntakeError';

  constructor(
    code: IntakeErrorCode,
    /** The file's name, for the message the page shows. */
    readonly fileName: string,
    /** What the message adds after the file's name, when the code alone does not say it. */
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(code, detail === undefined ? `${code}: ${fileName}` : `${code}: ${fileName}: ${detail}`, options);
  }
}

export async function readImageFile(file: File): Promise<PickedImage> {
  if (file.size === 0) throw new IntakeError('EMPTY', file.name);
  if (file.size > MAX_FILE_BYTES) throw new IntakeError('FILE_TOO_LARGE', file.name);
  // Only a BMP is read into memory here; the browser decodes other formats from the file itself.
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const picked =
    magic[0] === 0x42 && magic[1] === 0x4d ? readBmpFile(file.name, new Uint8Array(await file.arrayBuffer())) : await decodeInBrowser(file);
  return { ...picked, pixelsCrc32: await crc32OfPixels(picked.image.pixels) };
}

/** A few milliseconds per task (chunked-crc.ts): a 32-megapixel image never freezes the page. */
function crc32OfPixels(pixels: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    crc32InTurns(
      pixels,
      (callback, ms) => {
        const id = setTimeout(callback, ms);
        return () => clearTimeout(id);
      },
      () => performance.now(),
      resolve,
    );
  });
}

function readBmpFile(name: string, bytes: Uint8Array): Omit<PickedImage, 'pixelsCrc32'> {
  try {
    const file = readBmp(bytes, { maxPixels: MAX_IMAGE_PIXELS });
    return { name, image: file.image, bmp: bmpFacts(file, bytes.byteLength), sourceType: 'image/bmp', fileBytes: bytes.byteLength };
  } catch (err) {
    if (!(err instanceof BmpError)) throw err;
    const code: IntakeErrorCode =
      err.code === BmpErrorCode.TOO_LARGE
        ? 'BMP_TOO_LARGE'
        : err.code === BmpErrorCode.UNSUPPORTED
          ? 'UNSUPPORTED_BMP'
          : 'BAD_BMP';
    throw new IntakeError(code, name, err.message, { cause: err });
  }
}

async function decodeInBrowser(file: File): Promise<Omit<PickedImage, 'pixelsCrc32'>> {
  let bitmap: ImageBitmap;
  try {
    // No colour-space conversion or premultiplication: the pixels are what the file holds.
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (err) {
    throw new IntakeError('NOT_AN_IMAGE', file.name, undefined, { cause: err });
  }
  const { width, height } = bitmap;
  if (width * height > MAX_IMAGE_PIXELS) {
    bitmap.close();
    throw new IntakeError('TOO_MANY_PIXELS', file.name, `${width}×${height}`);
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new IntakeError('NO_OFFSCREEN_CANVAS', file.name);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  return {
    name: file.name,
    // 24-bit BGR when every pixel is opaque, else 32-bit with an alpha mask.
    image: fromRgba(width, height, rgba),
    bmp: null,
    sourceType: file.type || 'image',
    fileBytes: file.size,
  };
}
