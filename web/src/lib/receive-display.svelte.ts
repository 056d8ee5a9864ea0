/**
 * The incoming image on screen, as strips of canvas painted by a worker (TiledCanvas), at the
 * resolution the screen shows them (redrawn when that changes: a narrower window, a zoom). Raw view:
 * when the receiver's picture says changes wait, the next animation frame sends the worker just
 * the rectangles that changed, copied from the picture's RGBA buffer, a bounded area of strips
 * per frame. Concealed view and loss map need a whole-image pass, so they are redrawn on a
 * slower timer and when the transfer ends.
 */
import { untrack } from 'svelte';
import type { Picture } from '../../../shared/picture/index.ts';
import type { Receiver } from '../../../shared/transfer/index.ts';
import { bmpBlob, pngBlob, receivedName, saveBlob } from '../image/download.ts';
import { lossMapRgba } from '../image/loss-map.ts';
import { TiledCanvas } from '../image/tiled-canvas.ts';

/**
 * A frame's paint may take at most this share of the main thread: scattered packets and repair
 * rounds touch rows all over the image, and repainting that much every frame would starve the
 * packet handling. Small changes still paint every frame.
 */
const PAINT_BUDGET = 0.2;
/**
 * Pixels a frame may paint; the rest of the changes wait for the next frames. A paint's cost
 * follows its area: the copy here (about 1 ms per megapixel), then in the worker putImageData and
 * the copy of each changed strip to the compositor; a repair round touches rows all over the
 * image. A megapixel a frame keeps this thread's share small and lets a coarse interlaced picture
 * of a full-HD image reach the screen in two frames.
 */
const FRAME_PIXELS = 1 << 20;
/**
 * Strips a frame may change: the worker copies each changed strip whole to the compositor, and a
 * strip's first commits also allocate its bitmaps; scattered changes would otherwise have it
 * copy every strip every frame.
 */
const FRAME_TILES = 4;
/** Whole-image redraws: about every 10 ms per megapixel, within these bounds. */
const MIN_REDRAW_MS = 250;
const MAX_REDRAW_MS = 2_000;
/**
 * A timed redraw waits at least this many times as long as the one before it took, so that the
 * concealed view takes at most about a quarter of the main thread: on a busy machine one takes
 * 150–300 ms for full HD, and back to back they slowed the transfer they were showing.
 */
const REDRAW_IDLE_FACTOR = 3;

export class ReceiveDisplay {
  receiver = $state.raw<Receiver | null>(null);
  showHoles = $state(true);
  conceal = $state(false);
  lossMap = $state(false);
  /**
   * The transfer has ended and every change is painted: the strips show it from the worker's next
   * frame (ReceiveView's `data-painted`).
   */
  painted = $state(true);

  #painter: TiledCanvas | null = null;
  #overlayPainter: TiledCanvas | null = null;
  #host: HTMLElement | null = null;
  #overlayHost: HTMLElement | null = null;
  #resizes: ResizeObserver | null = null;
  #frame = 0;
  /** performance.now() before which the next paint waits, per {@link PAINT_BUDGET}. */
  #nextPaintAt = 0;
  #redrawTimer: ReturnType<typeof setInterval> | undefined;
  /** performance.now() before which a timed redraw is skipped, per {@link REDRAW_IDLE_FACTOR}. */
  #nextRedrawAt = 0;
  #concealed: Uint8ClampedArray | null = null;
  #lossMap: Uint8ClampedArray | null = null;
  #unwatch: (() => void) | undefined;

  show(receiver: Receiver): void {
    this.#unwatch?.();
    this.#unwatch = receiver.picture?.onChange(() => this.#onPictureChanged());
    this.receiver = receiver;
    this.painted = false;
  }

  /** The picture shown, when there is one. */
  get #picture(): Picture | null {
    return this.receiver?.picture ?? null;
  }

  /** Fills the two hosts with strips for the current receiver; the returned function unbinds them. */
  attach(host: HTMLElement, overlayHost: HTMLElement): () => void {
    const receiver = this.receiver;
    const picture = this.#picture;
    if (!receiver || !picture) return () => {};
    const { width, height } = picture;
    this.#host = host;
    this.#painter = new TiledCanvas(host, picture, shownWidth(width, host.getBoundingClientRect().width * devicePixelRatio));
    // The loss map's strips come with its first use.
    this.#overlayHost = overlayHost;
    overlayHost.replaceChildren();
    this.#concealed = null;
    this.#lossMap = null;
    // Fresh strips are already clear: painting an empty 24-megapixel buffer would only cost
    // time. Only a new receiver re-binds; the toggles redraw through their own methods.
    if (receiver.stats.received > 0) untrack(() => this.#redrawAll());
    if (receiver.state !== 'receiving') this.#markPaintedOnceDone();
    const period = Math.min(MAX_REDRAW_MS, Math.max(MIN_REDRAW_MS, (width * height) / 100_000));
    this.#redrawTimer = setInterval(() => this.#onRedrawTick(), period);
    this.#resizes = new ResizeObserver(([entry]) => {
      const devicePixels = entry?.devicePixelContentBoxSize?.[0]?.inlineSize ?? (entry?.contentRect.width ?? 0) * devicePixelRatio;
      untrack(() => this.#resize(shownWidth(width, devicePixels)));
    });
    this.#resizes.observe(host);
    return () => {
      clearInterval(this.#redrawTimer);
      this.#resizes?.disconnect();
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
      this.#painter?.dispose();
      this.#overlayPainter?.dispose();
      this.#painter = this.#overlayPainter = null;
      this.#host = this.#overlayHost = this.#resizes = null;
    };
  }

  /** Changes wait in the picture: paint them on the next frame. */
  #onPictureChanged(): void {
    if (this.#frame === 0 && this.#painter) this.#frame = requestAnimationFrame(() => this.#paintFrame());
  }

  /**
   * The transfer ended: hand the worker everything left to paint now (here that is only a copy;
   * the strips' commits are the worker's), then set `painted` once it has painted it.
   */
  finished(): void {
    if (this.conceal || this.lossMap) {
      this.#redrawAllAndMark();
      return;
    }
    const picture = this.#picture;
    if (picture && this.#painter) for (const rect of picture.takeDirtyRects()) this.#painter.paintRect(picture.rgba, rect);
    this.#markPaintedOnceDone();
  }

  setShowHoles(on: boolean): void {
    this.showHoles = on;
  }

  setConceal(on: boolean): void {
    this.conceal = on;
    this.#redrawAllAndMark();
  }

  setLossMap(on: boolean): void {
    this.lossMap = on;
    this.#redrawAllAndMark();
  }

  downloadBmp(): void {
    const receiver = this.receiver;
    if (receiver) saveBlob(bmpBlob(receiver.image), receivedName(receiver.manifest.fileName, 'bmp'));
  }

  /** The picture as shown: concealed when that view is on, without the loss map. */
  async downloadPng(): Promise<void> {
    const receiver = this.receiver;
    const picture = this.#picture;
    if (!receiver || !picture) return;
    const { width, height, fileName } = receiver.manifest;
    const rgba = this.conceal && this.#concealed ? this.#concealed : picture.rgba;
    saveBlob(await pngBlob(rgba, width, height), receivedName(fileName, 'png'));
  }

  #paintFrame(): void {
    this.#frame = 0;
    const picture = this.#picture;
    if (!picture || !this.#painter) return;
    const start = performance.now();
    if (start < this.#nextPaintAt) {
      // Too soon: the picture keeps collecting dirty bands until the next try.
      this.#frame = requestAnimationFrame(() => this.#paintFrame());
      return;
    }
    // The concealed view is redrawn whole on the timer; a raw patch would un-conceal its holes.
    if (this.conceal) return;
    this.#paintDirtyBands(picture, this.#painter);
    const end = performance.now();
    this.#nextPaintAt = end + ((end - start) * (1 - PAINT_BUDGET)) / PAINT_BUDGET;
    // Changes beyond this frame's share: paint them on the next frames, even if no packet comes.
    if (picture.hasDirtyRects) this.#frame = requestAnimationFrame(() => this.#paintFrame());
  }

  /**
   * Sets `painted` once the workers have painted everything sent so far, unless the picture has
   * changed since or the transfer is still going.
   */
  #markPaintedOnceDone(): void {
    const receiver = this.receiver;
    const painter = this.#painter;
    const painters = [painter, this.#overlayPainter].filter((p) => p !== null);
    void Promise.all(painters.map((p) => p.whenPainted())).then(() => {
      if (this.receiver === receiver && this.#painter === painter && receiver?.state !== 'receiving' && !receiver?.picture?.hasDirtyRects) this.painted = true;
    });
  }

  /** A toggle changed the view: redraw it whole, and once the transfer has ended, say when it is painted. */
  #redrawAllAndMark(): void {
    this.painted = false;
    this.#redrawAll();
    this.#markPaintedOnceDone();
  }

  /**
   * Paints changed bands, one at a time in the picture's fair order, until {@link FRAME_PIXELS}
   * are painted or {@link FRAME_TILES} strips touched: scattered bands cost a strip each.
   */
  #paintDirtyBands(picture: Picture, painter: TiledCanvas): void {
    const touched = new Set<number>();
    let painted = 0;
    while (picture.hasDirtyRects && painted < FRAME_PIXELS && touched.size < FRAME_TILES) {
      // A budget of one pixel takes exactly one band.
      for (const rect of picture.takeDirtyRects(1)) {
        painter.paintRect(picture.rgba, rect);
        painted += rect.width * rect.height;
        for (let tile = painter.tileOf(rect.y), last = painter.tileOf(rect.y + rect.height - 1); tile <= last; tile++) touched.add(tile);
      }
    }
  }

  /** The picture's place on screen changed size: new strips at the new resolution, painted whole. */
  #resize(shown: number): void {
    const receiver = this.receiver;
    const picture = this.#picture;
    if (!receiver || !picture || !this.#painter || !this.#host || shown === this.#painter.shown.width) return;
    this.#painter.dispose();
    this.#overlayPainter?.dispose();
    this.#overlayPainter = null;
    this.#painter = new TiledCanvas(this.#host, picture, shown);
    if (receiver.state === 'receiving') this.#redrawAll();
    else this.#redrawAllAndMark();
  }

  #onRedrawTick(): void {
    if (this.receiver?.state !== 'receiving') {
      // Finished: the final picture is drawn, and the toggles redraw on their own from now on.
      clearInterval(this.#redrawTimer);
      return;
    }
    if (!(this.conceal || this.lossMap) || performance.now() < this.#nextRedrawAt) return;
    const startedAt = performance.now();
    this.#redrawAll();
    const endedAt = performance.now();
    this.#nextRedrawAt = endedAt + REDRAW_IDLE_FACTOR * (endedAt - startedAt);
  }

  #redrawAll(): void {
    const picture = this.#picture;
    if (!picture || !this.#painter) return;
    picture.takeDirtyRects();
    if (this.conceal) {
      this.#concealed = picture.displayRgba(true, this.#concealed ?? undefined);
      this.#painter.paintAll(this.#concealed);
    } else {
      this.#painter.paintAll(picture.rgba);
    }
    // When off, the overlay strips are hidden, and never made nor their buffer allocated until first used.
    if (!this.lossMap || !this.#overlayHost) return;
    this.#overlayPainter ??= new TiledCanvas(this.#overlayHost, picture, this.#painter.shown.width);
    this.#lossMap = lossMapRgba(picture.missingPixelMask(), this.#lossMap ?? new Uint8ClampedArray(picture.rgba.length));
    this.#overlayPainter.paintAll(this.#lossMap);
  }
}

/**
 * Canvas pixels across for an image `imageWidth` across shown `devicePixels` wide: never more
 * than the image has; the image's own while its place has no size yet (hidden).
 */
function shownWidth(imageWidth: number, devicePixels: number): number {
  return devicePixels >= 1 ? Math.min(imageWidth, Math.round(devicePixels)) : imageWidth;
}
