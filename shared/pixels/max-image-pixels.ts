/**
 * The largest image Pixeldrop handles, in pixels: 2^25 (33,554,432, e.g. 8192×4096 or a
 * 24-megapixel photo). Both sides hold the whole image in memory, the receiver as RGBA too (128
 * MiB at this size), so one ceiling serves the file reader, the browser decoder's intake and the
 * manifests a receiver accepts.
 */
export const MAX_IMAGE_PIXELS = 2 ** 25;
