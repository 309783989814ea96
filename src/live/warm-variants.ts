import { Resource } from '../render/resource.js';
import type { Previous, Site } from '../render/site.js';

/**
 * How long the export waits for the variants warmChanged started: they are few (what readers
 * asked for), but a slow one must not hold the export back for long.
 */
const WARM_WAIT_MS = 250;

/**
 * Starts the compressed variants readers had asked for of each output a change replaced, as
 * the Site is swapped in: the pollers of a changed feed ask again within seconds. Resolves
 * when those are made, or after WARM_WAIT_MS: the export waits for it, so that its renders,
 * compression and file writes (which share zlib's thread pool with them) come after what
 * readers are about to ask for. Variants nobody asked for are not made.
 */
export async function warmChanged(site: Site, before: Previous | undefined): Promise<void> {
  if (!before) return;
  const warming: Promise<unknown>[] = [];
  for (const [path, resource] of site.resources) {
    const was = before.get(path);
    if (was instanceof Resource && was !== resource) warming.push(...resource.warmLike(was));
  }
  if (!warming.length) return;
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, WARM_WAIT_MS)));
  // A variant that fails fails its reader's request, not the export.
  await Promise.race([Promise.allSettled(warming), cap]);
  clearTimeout(timer);
}
