import { hash } from 'node:crypto';
import { compareStrings } from '../scan/walk.js';

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const MAX_SLUG_LENGTH = 60;

const shortHash = (text: string) => hash('sha256', text, 'hex').slice(0, 8);

/**
 * A human-readable slug that is safe as one URL path segment and as a file name on every OS:
 * letters and digits of any script survive (新媒体 stays 新媒体), ASCII is lower-cased, spaces
 * become `-`, and everything else (`/ \ ? # %`, controls, leading dots, `..`) is dropped.
 * Returns '' when nothing is left.
 */
export function baseSlug(name: string): string {
  let slug = name
    .normalize('NFC')
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(/[\s_]+/gu, '-')
    .replace(/[^\p{L}\p{N}\p{M}.~-]/gu, '')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.~-]+|[.-]+$/g, '');
  slug = Array.from(slug)
    .slice(0, MAX_SLUG_LENGTH)
    .join('')
    .replace(/[.-]+$/, '');
  // `nul.txt-` is still NUL to Windows (any extension is): the stem itself must change.
  if (WINDOWS_DEVICE.test(slug)) slug = slug.replace(/^[^.]+/, (stem) => `${stem}-`);
  return slug;
}

/** A name whose slug only lower-cased it and joined its words: nothing of it was dropped. */
const isFaithful = (name: string) =>
  baseSlug(name) ===
  name
    .normalize('NFC')
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(/[\s_]+/gu, '-');

/**
 * Slugs for a set of names, deterministic for a given set: names are taken in code-point order,
 * those that slug faithfully first (so `../../etc` cannot take `etc` from a category named etc);
 * the first to claim a slug keeps it, later names that slug alike get `-<hash of name>`; a name
 * that slugs to nothing gets `c-<hash>`.
 */
export function assignSlugs(names: Iterable<string>): Map<string, string> {
  const unique = [...new Set(names)].sort(compareStrings);
  const byPriority = [...unique.filter(isFaithful), ...unique.filter((n) => !isFaithful(n))];
  const taken = new Set<string>();
  // Filled in code-point order, whatever order the slugs were claimed in.
  const slugs = new Map<string, string>(unique.map((name) => [name, '']));
  for (const name of byPriority) {
    const base = baseSlug(name);
    let slug = base === '' ? `c-${shortHash(name)}` : base;
    if (taken.has(slug)) slug = `${base || 'c'}-${shortHash(name)}`;
    for (let n = 2; taken.has(slug); n++) slug = `${base || 'c'}-${shortHash(name)}-${n}`;
    taken.add(slug);
    slugs.set(name, slug);
  }
  return slugs;
}
