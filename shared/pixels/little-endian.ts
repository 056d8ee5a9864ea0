/**
 * Whether this host stores multi-byte words little-endian. Typed-array words are in the host's
 * byte order; the word-wide pixel paths build RGBA words with red in the low byte, so they run
 * only where this is true (every host Pixeldrop runs on) and fall back to DataView elsewhere.
 */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
