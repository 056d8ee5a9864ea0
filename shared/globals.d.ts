// shared/ is compiled without the DOM and Node libraries so that neither can creep in.
// These few globals exist in every runtime we target (browsers and Node ≥ 18), so we
// declare exactly the parts we use.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
