/**
 * Property: whatever front matter and body a seed holds, a scan never throws, every RSS, Atom and
 * OPML document it renders is well-formed XML (xmllint), every JSON Feed is JSON Feed 1.1, and no
 * page or feed item holds anything executable. fast-check with a fixed seed and a bounded number
 * of runs, so the same cases run every time, in a few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { scanConfig } from '../support/seeds.js';
import { makeSite, makeTempDir, xmllint } from '../support/site.js';
import { findExecutable } from './executable.js';

const SEED = 20261123;
const RUNS = 60;

/** Strings that have broken feed and HTML pipelines before. */
const HOSTILE_STRINGS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  ' JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  '&#106;avascript:alert(1)',
  '<base href="//evil.example/">',
  '<meta http-equiv="refresh" content="0;url=//evil.example/">',
  '<iframe src=//evil.example>',
  '<object data=x>',
  '<embed src=x>',
  '<div style="width:expression(alert(1))">',
  '<style>*{x:expression(alert(1))}</style>',
  ']]>',
  '<![CDATA[',
  '&nbsp;',
  '&bogus;',
  '&#0;',
  '&#xD800;',
  '&#x1;',
  '&',
  '<',
  '"',
  "'",
  '\u0000',
  '\u0001',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\uFFFE',
  '\uFFFF',
  '\uFDD0',
  '\uD800',
  '\uDFFF',
  '\uFEFF',
  '\u2028',
  '..',
  '../../etc',
  '/',
  'CON',
  'nul.txt',
  '',
  ' ',
  '---',
  '---js',
  '!!js/function',
  '*alias',
  '&anchor',
  '{',
  '[',
  ':',
  '- ',
  '#',
  '%',
  '?',
  '2022-02-30',
  '1970-01-01',
  '2999-12-31T00:00:00Z',
  'Tue, 01 Mar 2022 08:00:00 GMT',
  'https://img.example.com/a.png?x=1&y=2',
  '//img.example.com/b.jpg',
  '新媒体',
  '👩‍👩‍👧‍👦',
  'e\u0301',
  'x'.repeat(300),
];

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: anyCodeUnit, maxLength: 12 }),
  fc.array(fc.constantFrom(...HOSTILE_STRINGS), { maxLength: 4 }).map((parts) => parts.join('')),
);

const scalar = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(fc.array(scalar, { maxLength: 3 }), { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom('name', 'url', 'x', '__proto__'), scalar, {
      maxKeys: 3,
    }),
  },
);
const key = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'title',
      'date',
      'updated',
      'categories',
      'category',
      'tags',
      'author',
      'image',
      'headimg',
      'link',
      'url',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'layout') },
  { weight: 1, arbitrary: hostileText },
);

/** One YAML-ish line: mostly JSON (valid YAML flow), sometimes the raw text, which may well break YAML. */
const line = fc
  .tuple(key, value, fc.boolean())
  .map(([k, v, raw]) =>
    raw && typeof v === 'string'
      ? `${k}: ${v}`
      : `${JSON.stringify(k)}: ${JSON.stringify(v) ?? 'null'}`,
  );

const tag = fc.constantFrom(
  'p',
  'div',
  'a',
  'img',
  'span',
  'b',
  'svg',
  'math',
  'script',
  'style',
  'iframe',
  'table',
  'td',
  'ul',
  'li',
  'h1',
  'noscript',
  'template',
  'form',
  'base',
  'meta',
);
const attribute = fc
  .tuple(
    fc.constantFrom(
      'href',
      'src',
      'onerror',
      'onload',
      'style',
      'srcdoc',
      'class',
      'http-equiv',
      'content',
      'xlink:href',
      'action',
    ),
    hostileText,
  )
  .map(([n, v]) => ` ${n}="${v.replace(/"/g, '&quot;')}"`);
const element: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    fc
      .tuple(
        tag,
        fc.array(attribute, { maxLength: 2 }),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.boolean(),
      )
      .map(
        ([t, attrs, children, closed]) =>
          `<${t}${attrs.join('')}>${children.join('')}${closed ? `</${t}>` : ''}`,
      ),
  ),
})).node;
const markdown = fc
  .array(
    fc.oneof(
      hostileText.map((t) => `# ${t}`),
      hostileText.map((t) => `[link](${t})`),
      hostileText.map((t) => `![img](${t})`),
      hostileText,
    ),
    { maxLength: 5 },
  )
  .map((l) => l.join('\n\n'));
const body = fc.oneof(
  fc.array(element, { minLength: 1, maxLength: 4 }).map((e) => e.join('\n')),
  markdown,
  hostileText,
);

const seedFile = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.constantFrom('---', '---yaml', '---json', '---js', '--- '),
        fc.array(line, { maxLength: 6 }),
        body,
      )
      .map(([fence, lines, b]) => `${fence}\n${lines.join('\n')}\n---\n${b}\n`),
  },
  { weight: 1, arbitrary: body },
  { weight: 1, arbitrary: fc.tuple(hostileText, body).map(([title, b]) => `|${title}\n${b}`) },
);
const directory = fc.array(seedFile, { minLength: 1, maxLength: 4 });

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  temp = await makeTempDir('seedfeed-property-');
});
afterAll(() => temp?.remove());

interface Rendered {
  xml: Array<[string, string]>;
  json: Array<[string, string]>;
  html: Array<[string, string]>;
}

let runNumber = 0;
async function scanAndRender(files: readonly string[]): Promise<Rendered> {
  const dir = path.join(temp.dir, `run-${runNumber++}`);
  await mkdir(dir);
  await Promise.all(files.map((text, i) => writeFile(path.join(dir, `seed-${i}.md`), text)));
  try {
    const { catalog } = await new CatalogScanner(scanConfig(dir)).scan();
    const site = await makeSite(catalog);
    const out: Rendered = { xml: [], json: [], html: [] };
    for (const p of site.paths()) {
      const resource = await site.load(p);
      if (!resource) throw new Error(`${p} is listed but has nothing`);
      const text = Buffer.from(resource.body).toString('utf8');
      if (/xml/.test(resource.contentType)) out.xml.push([p, text]);
      else if (/json/.test(resource.contentType)) out.json.push([p, text]);
      else if (/html/.test(resource.contentType)) out.html.push([p, text]);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** xmllint over all the documents at once; '' when every one is well-formed. */
async function xmllintAll(documents: ReadonlyArray<[string, string]>): Promise<string> {
  const { code, stderr } = await xmllint(documents.map(([name, contents]) => ({ name, contents })));
  return stderr || (code === 0 ? '' : `xmllint exit code ${code}`);
}

function jsonFeedProblems(p: string, text: string): string[] {
  if (!p.endsWith('feed.json')) {
    JSON.parse(text);
    return [];
  }
  const feed = JSON.parse(text) as Record<string, unknown>;
  const problems: string[] = [];
  if (feed.version !== 'https://jsonfeed.org/version/1.1')
    problems.push(`${p}: version ${String(feed.version)}`);
  if (typeof feed.title !== 'string') problems.push(`${p}: no title`);
  if (!Array.isArray(feed.items)) return [...problems, `${p}: items is not an array`];
  for (const item of feed.items as Array<Record<string, unknown>>) {
    if (typeof item.id !== 'string' || item.id === '') problems.push(`${p}: item without id`);
    if (typeof item.content_html !== 'string' && typeof item.content_text !== 'string')
      problems.push(`${p}: item ${String(item.id)} without content`);
    if (item.authors !== undefined && !Array.isArray(item.authors))
      problems.push(`${p}: authors is not an array`);
    for (const f of findExecutable(String(item.content_html ?? ''), { fragment: true }))
      problems.push(`${p} item ${String(item.id)}: ${f}`);
  }
  return problems;
}

describe('random front matter and bodies thrown at the pipeline', () => {
  it('never throw out of a scan; render well-formed XML, JSON Feed 1.1 and HTML without script', async () => {
    let documents = 0;
    await fc.assert(
      fc.asyncProperty(directory, async (files) => {
        const rendered = await scanAndRender(files);
        documents += rendered.xml.length + rendered.json.length + rendered.html.length;
        expect(await xmllintAll(rendered.xml)).toBe('');
        expect(rendered.json.flatMap(([p, text]) => jsonFeedProblems(p, text))).toEqual([]);
        expect(
          rendered.html.flatMap(([p, text]) => findExecutable(text).map((f) => `${p}: ${f}`)),
        ).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The runs did render something: most directories have at least one usable file.
    expect(documents).toBeGreaterThan(RUNS * 5);
  }, 120_000);

  it('the property can fail: an unsanitized payload in a page is reported', () => {
    expect(
      findExecutable('<p>ok</p><img src=x onerror=alert(1)>', { fragment: true }),
    ).toHaveLength(1);
    expect(
      jsonFeedProblems(
        '/feed.json',
        JSON.stringify({
          version: 'https://jsonfeed.org/version/1',
          title: 't',
          items: [{ id: 'a', content_html: '<script>x</script>' }],
        }),
      ),
    ).toHaveLength(2);
  });
});
