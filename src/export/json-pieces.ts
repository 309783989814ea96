/**
 * A table to be written as a JSON object entry by entry (jsonPieces): no object of its entries
 * and no string of all of them is ever made.
 */
export class JsonEntries {
  constructor(readonly entries: Iterable<readonly [string, unknown]>) {}
}

/** Pieces are cut once they reach this many UTF-16 units (a few are longer: one entry each). */
const PIECE = 64 * 1024;

/**
 * `value` as JSON text and a line break, in pieces for writeChunkedAtomic. Plain objects are
 * written property by property and JsonEntries as objects of their entries; anything else as
 * JSON.stringify writes it. JSON.parse reads it as it would JSON.stringify's text of the same
 * value, with each JsonEntries an object of its entries. A 100,000-article state file written
 * through JSON.stringify made ~140 MB of objects and text at the end of a build, its peak.
 */
export function* jsonPieces(value: unknown): Generator<string> {
  let text = '';
  function* write(v: unknown): Generator<string> {
    const entries =
      v instanceof JsonEntries ? v.entries : isPlainObject(v) ? Object.entries(v) : undefined;
    if (!entries) {
      text += JSON.stringify(v);
      return;
    }
    text += '{';
    let first = true;
    for (const [key, item] of entries) {
      // As JSON.stringify: a property it would not write is left out.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      text += `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* write(item);
      if (text.length >= PIECE) {
        yield text;
        text = '';
      }
    }
    text += '}';
  }
  yield* write(value);
  yield `${text}\n`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || 'toJSON' in v) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
