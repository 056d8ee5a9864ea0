/**
 * The worker behind TiledCanvas: owns the strips (their OffscreenCanvases) and paints the pixels
 * the page sends it, so that copying a strip to the compositor at the end of a frame costs the
 * page's main thread nothing. One worker serves every TiledCanvas of the page, each a numbered
 * set of strips. Messages are StripPainterMessage; the only reply is `synced`.
 */
export type StripPainterMessage =
  | { type: 'strips'; set: number; canvases: OffscreenCanvas[] }
  /** RGBA of a `width` × `height` rectangle at (x, y) in strip `tile` of `set`, rows top-down. */
  | { type: 'paint'; set: number; tile: number; x: number; y: number; width: number; height: number; pixels: ArrayBuffer }
  /** The set's strips are gone from the page: forget them. */
  | { type: 'drop'; set: number }
  /**
   * Answer `{ type: 'synced', id }` once everything sent before this is painted: the strips show
   * it from this worker's next frame on.
   */
  | { type: 'sync'; id: number };

export interface StripPainterReply {
  type: 'synced';
  id: number;
}

const sets = new Map<number, OffscreenCanvasRenderingContext2D[]>();

function onMessage(message: StripPainterMessage): void {
  switch (message.type) {
    case 'strips':
      sets.set(
        message.set,
        message.canvases.map((canvas) => {
          const context = canvas.getContext('2d');
          if (!context) throw new Error('OffscreenCanvas 2D context unavailable');
          return context;
        }),
      );
      return;
    case 'paint': {
      const { set, tile, x, y, width, height, pixels } = message;
      sets.get(set)?.[tile]?.putImageData(new ImageData(new Uint8ClampedArray(pixels), width, height), x, y);
      return;
    }
    case 'drop':
      sets.delete(message.set);
      return;
    case 'sync':
      // Messages are handled in order: every paint sent before this one is done.
      postMessage({ type: 'synced', id: message.id } satisfies StripPainterReply);
      return;
  }
}

addEventListener('message', (event: MessageEvent<StripPainterMessage>) => onMessage(event.data));
