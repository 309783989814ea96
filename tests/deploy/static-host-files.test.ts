/**
 * `_headers` and `_redirects` read as Netlify and Cloudflare Pages read them (a rule's `*`
 * matches anything, `:name` one path segment; every matching header rule applies) give each URL
 * of the samples the headers serve sends and each guessed feed URL serve's redirect.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeSite } from '../../src/export/write-site.js';
import { feedAliases } from '../../src/render/feed-aliases.js';
import type { Site } from '../../src/render/site.js';
import { encodePath } from '../../src/render/urls.js';
import { makeApp, makeSite, makeTempDir, SAMPLES, scanCatalog } from '../support/site.js';
import { RULE_HEADERS } from './compared-headers.js';

const SET_BY_RULES = RULE_HEADERS;

function pattern(rule: string): RegExp {
  const source = rule
    .split(/(\*|:[a-z]+)/)
    .map((part) =>
      part === '*'
        ? '.*'
        : part.startsWith(':')
          ? '[^/]+'
          : part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

function headerRules(text: string): Array<{ match: RegExp; headers: Record<string, string> }> {
  const rules: Array<{ match: RegExp; headers: Record<string, string> }> = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) rules.push({ match: pattern(line), headers: {} });
    else {
      const [name, ...value] = line.trim().split(': ');
      rules.at(-1)!.headers[name!.toLowerCase()] = value.join(': ');
    }
  }
  return rules;
}

describe('_headers and _redirects for static hosts', () => {
  let site: Site;
  let out: string;

  beforeAll(async () => {
    const temp = await makeTempDir('seedfeed-static-host-');
    out = temp.dir;
    site = await makeSite(await scanCatalog(SAMPLES));
    await writeSite(site, out, { deploy: { maxAge: 60 } });
    return temp.remove;
  });

  it('every URL gets the headers serve sends (but the full archive pages’ own max-age)', async () => {
    const rules = headerRules(await readFile(path.join(out, '_headers'), 'utf8'));
    const app = makeApp(() => site);
    for (const sitePath of site.paths()) {
      const url = encodePath(sitePath);
      const served = await app.request(url);
      const applied: Record<string, string> = {};
      // Both hosts apply every matching rule; one header from two rules would be joined (a bug).
      for (const rule of rules)
        if (rule.match.test(url) || rule.match.test(sitePath))
          for (const [name, value] of Object.entries(rule.headers)) {
            expect(applied[name] ?? value, `${url} ${name} set twice`).toBe(value);
            applied[name] = value;
          }
      const feed = !served.headers.get('content-type')!.startsWith('text/html');
      if (feed) expect(applied['content-type'], url).toBe(served.headers.get('content-type'));
      for (const name of SET_BY_RULES) {
        if (name === 'cache-control' && served.headers.get(name) !== 'public, max-age=60') continue;
        expect(applied[name], `${url} ${name}`).toBe(served.headers.get(name) ?? undefined);
      }
    }
  });

  it('every guessed feed URL is redirected where serve redirects it', async () => {
    const lines = (await readFile(path.join(out, '_redirects'), 'utf8'))
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(' '));
    expect(lines.length).toBeLessThan(100);
    const app = makeApp(() => site);
    for (const { from } of feedAliases(site.paths())) {
      const served = await app.request(encodePath(from));
      const rule = lines.find(([source]) => pattern(source!).test(from));
      expect(rule, from).toBeDefined();
      const [source, target, status] = rule!;
      // The placeholder takes the request's segment at its place in the source.
      const segments = from.split('/');
      const names = source!.split('/');
      const to = target!
        .split('/')
        .map((part) => (part.startsWith(':') ? segments[names.indexOf(part)]! : part))
        .join('/');
      expect(status).toBe('301');
      expect(encodePath(to), from).toBe(served.headers.get('location'));
    }
  });
});
