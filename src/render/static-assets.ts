import { faviconIco } from './favicon.js';
import { Resource, strongEtag } from './resource.js';
import { STYLESHEET } from './stylesheet.js';

/**
 * Files every page shares, served and exported like any resource. The stylesheet's name carries
 * a hash of its bytes, so it can be cached for a year and a new version is a new URL; readers ask
 * for /favicon.ico by that name, so it is cached for a day.
 */
const YEAR = 365 * 24 * 3600;
const DAY = 24 * 3600;

const stylesheetBytes = new TextEncoder().encode(STYLESHEET);
const stylesheetHash = strongEtag(stylesheetBytes).slice(1, 11).replace(/[-_]/g, '0');

export const ASSET_PATHS = {
  stylesheet: `/style.${stylesheetHash}.css`,
  favicon: '/favicon.ico',
} as const;

const ASSETS = [
  {
    path: ASSET_PATHS.stylesheet,
    type: 'text/css; charset=utf-8',
    body: stylesheetBytes,
    maxAge: YEAR,
  },
  { path: ASSET_PATHS.favicon, type: 'image/x-icon', body: faviconIco(), maxAge: DAY },
];

/**
 * Their bytes are the code's, so their Last-Modified is the date they last changed, the same on
 * every build, restart and replica. Change it with the icon (the stylesheet's name changes alone).
 */
const CHANGED = new Date('2026-12-02T00:00:00Z');

/** The shared files as resources. */
export function staticResources(): Resource[] {
  return ASSETS.map(
    (asset) =>
      new Resource(
        asset.path,
        asset.type,
        asset.body,
        CHANGED,
        `static|${strongEtag(asset.body)}`,
        asset.maxAge,
      ),
  );
}
