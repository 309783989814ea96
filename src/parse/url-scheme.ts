/**
 * Whether a URL attribute's value must go: the scheme check sanitize-html makes (launder 1.7's
 * naughtyHref, with protocol-relative URLs refused), kept here so the writer needs no sanitizer.
 * tests/parse/url-scheme.test.ts holds it to launder's on hostile URLs.
 */

/** What browsers ignore inside a URL, and so what hides a scheme from a plain check. */
function withoutIgnored(href: string): string {
  let out = href.replace(/[\x00-\x20]+/g, '');
  for (;;) {
    const start = out.indexOf('<!--');
    if (start === -1) return out;
    const end = out.indexOf('-->', start + 4);
    if (end === -1) return out;
    out = out.slice(0, start) + out.slice(end + 3);
  }
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9.\-+]*):/;

/** True when `href` has a scheme not in `allowed`, or is protocol-relative (`//host`, `\\host`). */
export function isRefusedUrl(href: string, allowed: readonly string[]): boolean {
  const clean = withoutIgnored(href);
  const scheme = SCHEME.exec(clean);
  if (!scheme) return /^[/\\]{2}/.test(clean);
  return !allowed.includes(scheme[1]!.toLowerCase());
}
