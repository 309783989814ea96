/**
 * The writer's URL check (src/parse/url-scheme.ts) refuses exactly what sanitize-html's did:
 * launder's naughtyHref, the oracle here, on hostile URLs and random ones.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { isRefusedUrl } from '../../src/parse/url-scheme.js';

// launder as sanitize-html loads it: the check the writer replaced.
const requireFromSanitizer = createRequire(createRequire(import.meta.url).resolve('sanitize-html'));
const { naughtyHref } = requireFromSanitizer('launder') as {
  naughtyHref: (href: string, options: object) => boolean;
};

const SCHEME_LISTS = [
  ['http', 'https', 'mailto'],
  ['http', 'https', 'data'],
];
const agrees = (href: string) => {
  for (const allowedSchemes of SCHEME_LISTS)
    expect(isRefusedUrl(href, allowedSchemes), href).toBe(
      naughtyHref(href, { allowedSchemes, allowProtocolRelative: false }),
    );
};

describe('URL scheme check = launder naughtyHref', () => {
  it('on hostile URLs', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:x',
      'java\tscript:x',
      'java\u0000script:x',
      'jav<!-- c -->ascript:x',
      'jav<!-- c --><!-- d -->ascript:x',
      'jav<!-- unclosed ascript:x',
      'vbscript:x',
      'data:text/html,<script>',
      'data:image/png;base64,AA',
      '//evil.example/x',
      '\\\\evil.example/x',
      '/\\evil.example',
      ' //evil.example',
      '/relative/path',
      'relative',
      '#frag',
      '?q=1',
      'mailto:a@b.example',
      'https://ok.example/a:b',
      'http:',
      '1http://x',
      'a+b.c-d:x',
      '',
    ])
      agrees(href);
  });

  it('on random URLs', () => {
    const part = fc.constantFrom(
      'javascript',
      'data',
      'http',
      'https',
      'mailto',
      ':',
      '/',
      '\\',
      ' ',
      '\t',
      '\u0001',
      '<!--',
      '-->',
      'a',
      '1',
      '+',
      '.',
      '-',
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => agrees(parts.join(''))),
      { numRuns: 5000 },
    );
  });
});
