const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jfif: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
};

/**
 * The media type of an image URL. Looks at the path's extension, then at the query, because
 * image proxies put the real URL there (`https://cors…/?http://host/a.jpeg`) — where `feed`
 * would write `image//`. Unknown extensions fall back to image/jpeg, the overwhelmingly common case.
 */
export function imageMediaType(url: string): string {
  if (url.startsWith('data:')) return /^data:(image\/[\w+.-]+)/.exec(url)?.[1] ?? 'image/jpeg';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'image/jpeg';
  }
  for (const part of [parsed.pathname, parsed.search]) {
    const ext = /\.([a-z0-9]{2,5})(?:$|[?#&/])/i.exec(part)?.[1]?.toLowerCase();
    if (ext && IMAGE_TYPES[ext]) return IMAGE_TYPES[ext]!;
  }
  return 'image/jpeg';
}
