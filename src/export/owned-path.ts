/**
 * The paths the manifest may name: what fileForPath makes of a site path, and nothing else that
 * could reach outside the output directory once joined to it. The manifest lies in --out, where
 * anyone who can write there can edit it, and the next export deletes what it names: so every
 * entry is checked as text here, and for links on its way (removal.ts) before anything goes.
 */

/** Why `rel` is not a plain relative path inside the output directory, or undefined when it is. */
export function notAnOwnedPath(rel: string): string | undefined {
  if (rel === '') return 'empty';
  if (rel.includes('\0')) return 'contains a NUL byte';
  // A backslash is a separator on Windows (`..\\x` climbs there); fileForPath never makes one.
  if (rel.includes('\\')) return 'contains a backslash';
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return 'is absolute';
  for (const segment of rel.split('/')) {
    if (segment === '..') return 'climbs out with ..';
    if (segment === '.' || segment === '')
      return 'is not normalised (an empty or . segment, or a trailing /)';
  }
  return undefined;
}
