import { isAscii, transcode } from 'node:buffer';

/**
 * Valid UTF-8 bytes as a string, about 6× faster than `toString('utf8')` for text that is mostly
 * not ASCII: V8 decodes UTF-8 one code point at a time (290 MB/s for the bench's Chinese corpus on
 * this machine), while ICU's transcoder into UTF-16 plus a copy runs at 1.7 GB/s. ASCII keeps V8's own fast path,
 * which also makes the compact one-byte string. Only for bytes known to be valid UTF-8 (the
 * callers check or wrote them): on invalid input the two replace bad sequences differently.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < TRANSCODE_FROM || isAscii(buffer)) return buffer.toString('utf8');
  return transcode(buffer, 'utf8', 'utf16le').toString('utf16le');
}

/** Below this many bytes the transcoder's set-up costs more than it saves. */
const TRANSCODE_FROM = 256;
