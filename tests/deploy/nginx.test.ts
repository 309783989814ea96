/**
 * The export on a real nginx (Debian's, with brotli_static) configured by the include files the
 * export generates, against the in-process app of the same Site, URL by URL: decoded bodies,
 * the headers serve sends, 304s for either validator, and after one seed changes and the export
 * runs again, new validators for exactly the documents whose bytes changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { access, chmod, cp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import { writeSite } from '../../src/export/write-site.js';
import type { Site } from '../../src/render/site.js';
import { feedAliases } from '../../src/render/feed-aliases.js';
import { encodePath, fileForPath } from '../../src/render/urls.js';
import { makeApp, makeSite, makeTempDir, SAMPLE, SAMPLES, scanCatalog } from '../support/site.js';
import { findNginx, startNginx, type RunningNginx } from './nginx-server.js';
import { RULE_HEADERS } from './compared-headers.js';

const nginx = findNginx();
if ('missing' in nginx) console.warn(`tests/deploy/nginx.test.ts skipped: ${nginx.missing}`);

/** What serve sends besides validators and lengths; nginx must send each the same. */
const COMPARED = ['content-type', ...RULE_HEADERS, 'location'];
const ENCODINGS = [undefined, 'gzip', 'br', 'gzip, deflate, br'];

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

function get(origin: string, target: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(`${origin}${target}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers as Record<string, string | undefined>,
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function fromApp(
  app: Hono,
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
) {
  const res = await app.request(target, { method, headers });
  const out: Record<string, string | undefined> = {};
  res.headers.forEach((value, name) => (out[name] = value));
  return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
}

function decoded(answer: Answer): Buffer {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'gzip') return gunzipSync(answer.body);
  if (encoding === 'br') return brotliDecompressSync(answer.body);
  return answer.body;
}

function compared(answer: Answer): Record<string, string | undefined> {
  return Object.fromEntries(COMPARED.map((name) => [name, answer.headers[name]]));
}

const targets = (site: Site) => [...site.paths()].map(encodePath);

// With --precompress nginx sends the siblings of feeds, lists and archive pages; without, and for
// article pages always, it compresses on the fly (gzip only: a client taking br alone gets identity).
describe.skipIf('missing' in nginx).each([false, true])(
  'the export served by nginx answers as serve does (precompress: %s)',
  (precompress) => {
    let dir: { dir: string; remove: () => Promise<void> };
    let seeds: string;
    let out: string;
    let site: Site;
    let server: RunningNginx;

    beforeAll(async () => {
      dir = await makeTempDir('seedfeed-nginx-');
      // nginx's workers run as nobody when the tests run as root: the export must be readable.
      await chmod(dir.dir, 0o755);
      seeds = path.join(dir.dir, 'seeds');
      out = path.join(dir.dir, 'out');
      await cp(SAMPLES, seeds, { recursive: true });
      site = await makeSite(await scanCatalog(seeds));
      await writeSite(site, out, { deploy: { maxAge: 60 }, precompress });
      server = await startNginx(
        (nginx as { binary: string }).binary,
        path.join(dir.dir, 'nginx'),
        out,
      );
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      await dir?.remove();
    });

    /** Whether the export holds a .gz sibling of the document at `target`. */
    const siblingOf = (target: string) =>
      access(path.join(out, `${fileForPath(decodeURI(target))}.gz`)).then(
        () => true,
        () => false,
      );

    it('gives every URL the same decoded body and headers, in every encoding', async () => {
      const app = makeApp(() => site);
      const problems: string[] = [];
      for (const target of targets(site)) {
        for (const encoding of ENCODINGS) {
          const headers: Record<string, string> = encoding ? { 'accept-encoding': encoding } : {};
          const [ours, theirs] = [
            await get(server.origin, target, headers),
            await fromApp(app, target, headers),
          ];
          const where = `${target} (${encoding ?? 'identity'})`;
          if (ours.status !== theirs.status)
            problems.push(`${where}: ${ours.status} vs ${theirs.status}`);
          if (!decoded(ours).equals(decoded(theirs))) problems.push(`${where}: body differs`);
          expect(compared(ours), where).toEqual(compared(theirs));
          // Encoded where serve encodes, in one of the encodings asked for.
          const sibling = await siblingOf(target);
          if (encoding === undefined)
            expect(sibling, where).toBe(
              precompress && !target.startsWith('/articles/') && decoded(theirs).length >= 512,
            );
          const identityForBr = encoding === 'br' && !sibling;
          expect(ours.headers['content-encoding'] !== undefined, where).toBe(
            theirs.headers['content-encoding'] !== undefined && !identityForBr,
          );
          if (ours.headers['content-encoding'])
            expect(encoding!.split(', ')).toContain(ours.headers['content-encoding']);
          // A sibling has its own strong ETag; gzip made on the fly weakens the document's.
          const onTheFly = ours.headers['content-encoding'] !== undefined && !sibling;
          expect(ours.headers.etag, where).toMatch(
            onTheFly ? /^W\/"[0-9a-f]+-[0-9a-f]+"$/ : /^"[0-9a-f]+-[0-9a-f]+"$/,
          );
          expect(ours.headers['last-modified'], where).toBeDefined();
        }
      }
      expect(problems).toEqual([]);
    }, 60_000);

    it('answers either validator with 304, with the headers serve sends on a 304', async () => {
      const app = makeApp(() => site);
      for (const target of targets(site)) {
        for (const encoding of [undefined, 'gzip', 'br']) {
          const ae: Record<string, string> = encoding ? { 'accept-encoding': encoding } : {};
          const first = await get(server.origin, target, ae);
          const served = await fromApp(app, target, ae);
          const byTag = await get(server.origin, target, {
            ...ae,
            'if-none-match': first.headers.etag!,
          });
          const byDate = await get(server.origin, target, {
            ...ae,
            'if-modified-since': first.headers['last-modified']!,
          });
          const theirs = await fromApp(app, target, {
            ...ae,
            'if-none-match': served.headers.etag!,
          });
          for (const answer of [byTag, byDate]) {
            expect(answer.status, target).toBe(304);
            expect(answer.body.length).toBe(0);
            const { 'content-type': _a, location: _b, ...rest } = compared(answer);
            const { 'content-type': _c, location: _d, ...expected } = compared(theirs);
            expect(rest, target).toEqual(expected);
          }
        }
      }
    }, 60_000);

    it('answers what is not in the site with the 404 page, and directories without / with a 301', async () => {
      const app = makeApp(() => site);
      const category = targets(site).find((t) => t.startsWith('/categories/') && t.endsWith('/'))!;
      for (const target of [
        '/nope',
        '/nope/rss.xml',
        '/.seedfeed-manifest.json',
        '/.seedfeed-nginx/server.conf',
        '/rss.xml.gz',
        '/rss.xml.br',
        '/_headers',
        '/_redirects',
        '/404.html',
        '/categories/',
        category.slice(0, -1),
      ]) {
        const [ours, theirs] = [await get(server.origin, target), await fromApp(app, target)];
        expect(ours.status, target).toBe(theirs.status);
        // A redirect's headers besides Location matter to no reader (nginx adds its page's).
        if (ours.status === 301) expect(ours.headers.location).toBe(theirs.headers.location);
        else expect(compared(ours), target).toEqual(compared(theirs));
        if (ours.status === 404) expect(ours.body.equals(theirs.body), target).toBe(true);
      }
    });

    it('redirects every guessed feed URL as serve does, query and all', async () => {
      const app = makeApp(() => site);
      const aliases = feedAliases(site.paths());
      expect(aliases.length).toBeGreaterThan(20);
      for (const { from } of aliases) {
        for (const target of [encodePath(from), `${encodePath(from)}?limit=5`]) {
          const [ours, theirs] = [await get(server.origin, target), await fromApp(app, target)];
          expect(theirs.status, target).toBe(301);
          expect(ours.status, target).toBe(301);
          expect(ours.headers.location, target).toBe(theirs.headers.location);
        }
      }
    });

    it('answers a CORS preflight on a feed as serve does', async () => {
      const app = makeApp(() => site);
      const preflight = {
        origin: 'https://reader.example',
        'access-control-request-method': 'GET',
      };
      for (const target of ['/rss.xml', '/atom.xml', '/feed.json', '/opml.xml', '/']) {
        const ours = await get(server.origin, target, preflight, 'OPTIONS');
        const theirs = await fromApp(app, target, preflight, 'OPTIONS');
        expect(ours.status, target).toBe(theirs.status);
        for (const name of [
          'allow',
          'cache-control',
          'access-control-allow-origin',
          'access-control-allow-methods',
          'access-control-allow-headers',
          'access-control-max-age',
        ])
          expect(ours.headers[name], `${target} ${name}`).toBe(theirs.headers[name]);
      }
    });

    it('gives new validators to exactly the documents whose bytes changed, at once', async () => {
      const validators = async (s: Site) => {
        const app = makeApp(() => s);
        const seen = new Map<string, { nginx: string; serve: string }>();
        for (const target of targets(s))
          for (const encoding of [undefined, 'gzip', 'br']) {
            const ae: Record<string, string> = encoding ? { 'accept-encoding': encoding } : {};
            const ours = await get(server.origin, target, ae);
            const theirs = await fromApp(app, target, ae);
            seen.set(`${target} ${encoding ?? ''}`, {
              nginx: `${ours.headers.etag} ${ours.headers['last-modified']}`,
              serve: `${decoded(theirs).toString('base64')}`,
            });
          }
        return seen;
      };
      const before = await validators(site);
      // One digit of one article's body, so that most changed documents keep their size: their
      // new validators come from the fresh mtime alone, written within the second of the last.
      const file = path.join(seeds, SAMPLE.s002.file);
      const text = await readFile(file, 'utf8');
      const digit = /[0-8]/.exec(text.slice(200))!;
      const at = 200 + digit.index;
      await writeFile(file, `${text.slice(0, at)}${Number(digit[0]) + 1}${text.slice(at + 1)}`);
      const next = await makeSite(await scanCatalog(seeds));
      await writeSite(next, out, { deploy: { maxAge: 60 }, precompress });
      site = next;
      const after = await validators(next);

      const newBytes = [...after.keys()].filter(
        (k) => after.get(k)!.serve !== before.get(k)?.serve,
      );
      const newValidators = [...after.keys()].filter(
        (k) => after.get(k)!.nginx !== before.get(k)?.nginx,
      );
      expect(newBytes.length).toBeGreaterThan(0);
      expect(newValidators.sort()).toEqual(newBytes.sort());
    }, 60_000);
  },
);
