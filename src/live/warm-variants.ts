import { Resource } from '../render/resource.js';
import type { Previous, Site } from '../render/site.js';

/**
 * Starts the compressed variants readers had asked for of each output a change replaced, as
 * the Site is swapped in: the pollers of a changed feed ask again within seconds, and their
 * gzip is then ahead of the export's own compression in zlib's thread pool, not behind it.
 * Variants nobody asked for are not made.
 */
export function warmChanged(site: Site, before: Previous | undefined): void {
  if (!before) return;
  for (const [path, resource] of site.resources) {
    const was = before.get(path);
    if (was instanceof Resource && was !== resource) resource.warmLike(was);
  }
}
