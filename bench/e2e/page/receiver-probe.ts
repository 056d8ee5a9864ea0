/**
 * Injected into the receiving app page by the benchmark (never part of the app): watches the
 * canvas for the first coarse picture and the main thread and heap for the receiver's health,
 * without touching the app's code. The transfer stopwatch is the harness's (transfer-watch.ts).
 */

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

function byTestId(id: string): Element | null {
  return document.querySelector(`[data-testid="${id}"]`);
}

let coarseAt = 0;
let coarseError = '';

/** The image pixel under screen pixel `d` of `shown` (the app's shared/pixels/nearest-sample.ts: this script can import nothing). */
function sampledPixel(d: number, shown: number, size: number): number {
  return Math.floor(((2 * d + 1) * size) / (2 * shown));
}

/**
 * Records when the first Adam7 pass (every 8th pixel of every 8th row: the coarse picture) is
 * complete on the canvas, i.e. every canvas pixel showing one of its pixels equals `expected`
 * (its RGBA, pass order, base64). The app draws an image wider than its place on screen at the
 * screen's resolution, each canvas pixel the image pixel under its centre; at full size that is
 * every pass pixel. Reads only the rows still incomplete, once per animation frame, as the app
 * paints per frame. Checking starts once the harness's transfer watch has seen this transfer
 * begin and the strips show an image of this shape; the caller makes sure the canvas held a
 * different image before (the bench sends the 4000×3000 one in between), so nothing stale can
 * pass for the new picture.
 */
export function watchCoarse(width: number, height: number, expectedBase64: string): void {
  coarseAt = 0;
  coarseError = '';
  const expected = Uint8Array.from(atob(expectedBase64), (c) => c.charCodeAt(0));
  const columns = Math.ceil(width / 8);
  let shown:
    | { width: number; pending: Array<{ y: number; row: number }>; cells: Array<{ x: number; column: number }>; reader: OffscreenCanvasRenderingContext2D | null }
    | undefined;
  const frame = () => {
    const strips = [...(byTestId('receive-image')?.querySelectorAll('canvas') ?? [])];
    const rows = strips.reduce((sum, strip) => sum + strip.height, 0);
    const begun = window.transferWatch.transferTimes().activeAt > 0;
    const stripWidth = strips[0]?.width ?? 0;
    if (begun && stripWidth > 0 && Math.abs(rows / stripWidth - height / width) < 2 / stripWidth) {
      if (shown?.width !== stripWidth) {
        // The canvas rows and columns that show pass pixels, each with its place in the pass.
        const onPass = (count: number, size: number) =>
          Array.from({ length: count }, (_, d) => [d, sampledPixel(d, count, size)] as const).filter(([, p]) => p % 8 === 0);
        shown = {
          width: stripWidth,
          pending: onPass(rows, height).map(([y, p]) => ({ y, row: p / 8 })),
          cells: onPass(stripWidth, width).map(([x, p]) => ({ x, column: p / 8 })),
          // The app's strips are painted by a worker (their contexts are offscreen): rows are
          // read by drawing them onto a canvas of the probe's own.
          reader: new OffscreenCanvas(stripWidth, 1).getContext('2d', { willReadFrequently: true }),
        };
        if (shown.pending.length === 0 || shown.cells.length === 0) coarseError = `no canvas pixel of ${stripWidth}×${rows} shows a pass pixel`;
        if (!shown.reader) coarseError = 'no 2d context to read the strips with';
      }
      const { cells, reader, width: lineWidth } = shown;
      if (coarseError || !reader) return;
      shown.pending = shown.pending.filter(({ y, row }) => {
        // Each strip has its first canvas row in data-top.
        const strip = strips.findLast((s) => Number(s.dataset.top) <= y)!;
        reader.clearRect(0, 0, lineWidth, 1);
        reader.drawImage(strip, 0, y - Number(strip.dataset.top), lineWidth, 1, 0, 0, lineWidth, 1);
        const data = reader.getImageData(0, 0, lineWidth, 1).data;
        for (const { x, column } of cells) {
          const want = (row * columns + column) * 4;
          for (let c = 0; c < 4; c++) if (data[x * 4 + c] !== expected[want + c]) return true;
        }
        return false;
      });
      if (shown.pending.length === 0) {
        coarseAt = epochNow();
        return;
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

export function coarseResult(): { coarseAt: number; error: string } {
  return { coarseAt, error: coarseError };
}

interface Sample {
  at: number;
  value: number;
}

let longTasks: Sample[] = [];
let heap: Sample[] = [];
let healthObserver: PerformanceObserver | undefined;
let heapTimer: ReturnType<typeof setInterval> | undefined;

/** Chromium's non-standard heap figure; precise only with --enable-precise-memory-info. */
function usedHeap(): number {
  return (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? Number.NaN;
}

/**
 * Collects main-thread long tasks (> 50 ms by definition) and the JS heap every 20 ms. Collects
 * garbage first when the browser allows it (--js-flags=--expose-gc), so that the buffers of the
 * bench's own canvas check after the previous run do not count as the app's heap.
 */
export function watchHealth(): void {
  (globalThis as { gc?: () => void }).gc?.();
  longTasks = [];
  heap = [];
  healthObserver?.disconnect();
  healthObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push({ at: performance.timeOrigin + entry.startTime, value: entry.duration });
  });
  healthObserver.observe({ type: 'longtask' });
  if (heapTimer !== undefined) clearInterval(heapTimer);
  heapTimer = setInterval(() => heap.push({ at: epochNow(), value: usedHeap() }), 20);
}

/** Stops watching; returns the longest task (0 when none exceeded 50 ms) and the peak heap between `from` and `to` (epoch ms). */
export function healthResult(from: number, to: number): { longestTaskMs: number; longTaskCount: number; peakHeapBytes: number } {
  healthObserver?.disconnect();
  clearInterval(heapTimer);
  const inWindow = (sample: Sample) => sample.at >= from && sample.at <= to;
  const tasks = longTasks.filter((task) => task.at + task.value >= from && task.at <= to);
  return {
    longestTaskMs: Math.max(0, ...tasks.map((task) => task.value)),
    longTaskCount: tasks.length,
    peakHeapBytes: Math.max(...heap.filter(inWindow).map((sample) => sample.value)),
  };
}

let reference: { width: number; height: number; rgba: Uint8Array } | undefined;
let psnrAt = 0;
let psnrError = '';
let psnrTimer: ReturnType<typeof setInterval> | undefined;

/** The source picture the PSNR watch compares with: RGBA, rows top-down, base64. */
export function setReference(width: number, height: number, rgbaBase64: string): void {
  reference = { width, height, rgba: Uint8Array.from(atob(rgbaBase64), (c) => c.charCodeAt(0)) };
}

/** How often the PSNR watch reads the picture: a whole-picture read costs the receiving page a few ms. */
const PSNR_INTERVAL_MS = 100;

/**
 * Records when the picture on screen first comes within `thresholdDb` of the reference (PSNR over
 * red, green and blue of every canvas pixel against the reference pixel under its centre; a
 * transparent, still missing pixel counts as black). The receiver's concealment view should be on,
 * so that the holes show their estimate. As for watchCoarse, the canvas must have held a picture
 * of another shape before, and the picture must first be seen below the threshold, so a stale one
 * cannot pass.
 */
export function watchPsnr(thresholdDb: number): void {
  psnrAt = 0;
  psnrError = '';
  clearInterval(psnrTimer);
  const ref = reference;
  if (!ref) {
    psnrError = 'no reference picture: call setReference first';
    return;
  }
  let seenBelow = false;
  let shown: { width: number; height: number; expected: Uint8Array; reader: OffscreenCanvasRenderingContext2D } | undefined;
  psnrTimer = setInterval(() => {
    const strips = [...(byTestId('receive-image')?.querySelectorAll('canvas') ?? [])];
    const rows = strips.reduce((sum, strip) => sum + strip.height, 0);
    const stripWidth = strips[0]?.width ?? 0;
    if (window.transferWatch.transferTimes().activeAt === 0 || stripWidth === 0) return;
    if (Math.abs(rows / stripWidth - ref.height / ref.width) >= 2 / stripWidth) return;
    if (shown?.width !== stripWidth || shown.height !== rows) {
      const expected = new Uint8Array(stripWidth * rows * 4);
      for (let y = 0; y < rows; y++) {
        const sy = sampledPixel(y, rows, ref.height);
        for (let x = 0; x < stripWidth; x++) {
          const from = (sy * ref.width + sampledPixel(x, stripWidth, ref.width)) * 4;
          expected.set(ref.rgba.subarray(from, from + 4), (y * stripWidth + x) * 4);
        }
      }
      const reader = new OffscreenCanvas(stripWidth, rows).getContext('2d', { willReadFrequently: true });
      if (!reader) {
        psnrError = 'no 2d context to read the strips with';
        clearInterval(psnrTimer);
        return;
      }
      shown = { width: stripWidth, height: rows, expected, reader };
    }
    const { reader, expected } = shown;
    reader.clearRect(0, 0, stripWidth, rows);
    for (const strip of strips) reader.drawImage(strip, 0, Number(strip.dataset.top));
    const data = reader.getImageData(0, 0, stripWidth, rows).data;
    let squared = 0;
    for (let i = 0; i < data.length; i += 4) {
      const opaque = data[i + 3] !== 0;
      for (let c = 0; c < 3; c++) {
        const d = (opaque ? data[i + c]! : 0) - expected[i + c]!;
        squared += d * d;
      }
    }
    const mse = squared / ((data.length / 4) * 3);
    const psnr = mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
    if (psnr < thresholdDb) seenBelow = true;
    else if (seenBelow) {
      psnrAt = epochNow();
      clearInterval(psnrTimer);
    }
  }, PSNR_INTERVAL_MS);
}

/** When the PSNR watch saw its threshold reached (0: not yet), or why it cannot tell. */
export function psnrResult(): { psnrAt: number; error: string } {
  return { psnrAt, error: psnrError };
}

/** Stops the PSNR watch (after a transfer that never reached it). */
export function stopPsnr(): void {
  clearInterval(psnrTimer);
}
