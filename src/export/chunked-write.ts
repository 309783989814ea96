import { open } from 'node:fs/promises';
import { replaceThroughTemp } from './atomic.js';

const CHUNK_BYTES = 1 << 20;

/**
 * Writes `pieces` to `file` so that readers see the old bytes or the new ones (temp + rename),
 * encoding them into one reused buffer that is written each time it fills. However many pieces,
 * neither a string nor a buffer of all of them is ever made: a 230 MB catalog snapshot joined in
 * 2 MB strings left ~500 MB of garbage in the old space, which set the first scan's peak. A
 * piece is never split between two writes unless it is larger than the buffer.
 */
export async function writeChunkedAtomic(
  file: string,
  pieces: Iterable<string>,
  chunkBytes = CHUNK_BYTES,
): Promise<void> {
  await replaceThroughTemp(file, async (temp) => {
    // wx: a fresh file or an error, never through whatever (a link) might wait at that name.
    const handle = await open(temp, 'wx');
    try {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      let used = 0;
      // write(2) may take fewer bytes than it is given (fs.writeFile loops the same way).
      const writeAll = async (bytes: Buffer) => {
        for (let at = 0; at < bytes.length;)
          at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
      };
      const flush = async () => {
        await writeAll(buffer.subarray(0, used));
        used = 0;
      };
      for (const piece of pieces) {
        // Three bytes per UTF-16 unit at most: most pieces fit without measuring them.
        if (used + piece.length * 3 > chunkBytes) {
          const bytes = Buffer.byteLength(piece);
          if (used + bytes > chunkBytes) await flush();
          if (bytes > chunkBytes) {
            await writeAll(Buffer.from(piece));
            continue;
          }
        }
        used += buffer.write(piece, used);
      }
      await flush();
    } finally {
      await handle.close();
    }
  });
}
