import path from 'node:path';

/**
 * Whether `target` is `root` or below it. Both must be absolute; compared as written (resolve
 * them first where links matter). Separator-aware: `/out2` is not inside `/out`, and a name that
 * merely starts with two dots (`..notes`) is not mistaken for a step up.
 */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
