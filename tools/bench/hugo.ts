import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';

/**
 * Hugo, the static generator a user would pick instead, over the same corpus, configured to build
 * what seedfeed's export holds: a page per article; home, category and tag pages; RSS, Atom and
 * JSON Feed of the home page and of every term, 50 items each with full content (the last two
 * through custom output formats). seedfeed's author feeds and archives have no twin here.
 */
export function hugoVersion(): string | undefined {
  const r = spawnSync('hugo', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(' ').slice(0, 2).join(' ') : undefined;
}

const CONFIG = `baseURL = "https://bench.example/"
title = "bench"
disableKinds = ["sitemap", "robotsTXT", "404"]
[taxonomies]
category = "categories"
tag = "tags"
[mediaTypes."application/feed+json"]
suffixes = ["json"]
[mediaTypes."application/atom+xml"]
suffixes = ["xml"]
[outputFormats.Atom]
mediaType = "application/atom+xml"
baseName = "atom"
[outputFormats.JSONFeed]
mediaType = "application/feed+json"
baseName = "feed"
isPlainText = true
[outputs]
home = ["HTML", "RSS", "Atom", "JSONFeed"]
term = ["HTML", "RSS", "Atom", "JSONFeed"]
taxonomy = ["HTML"]
page = ["HTML"]
`;

const HEAD = `<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title><link rel="alternate" type="application/rss+xml" href="/index.xml"></head><body>`;
const LAYOUTS: Record<string, string> = {
  'single.html': `${HEAD}<h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02 15:04 MST" }}{{ range .Params.categories }} {{ . }}{{ end }}</p>{{ .Content }}</body></html>\n`,
  'list.html': `${HEAD}<h1>{{ .Title }}</h1><ul>{{ range first 200 .RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul></body></html>\n`,
  'list.rss.xml': `{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}<rss version="2.0"><channel><title>{{ .Title }}</title><link>{{ .Permalink }}</link><description>{{ .Title }}</description>{{ range first 50 .RegularPages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid><pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate><description>{{ .Content | html }}</description></item>{{ end }}</channel></rss>\n`,
  'list.atom.xml': `{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ .Title }}</title><id>{{ .Permalink }}</id><updated>{{ now.Format "2006-01-02T15:04:05Z07:00" }}</updated>{{ range first 50 .RegularPages }}<entry><title>{{ .Title }}</title><id>{{ .Permalink }}</id><link href="{{ .Permalink }}"/><updated>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</updated><content type="html">{{ .Content | html }}</content></entry>{{ end }}</feed>\n`,
  'list.jsonfeed.json': `{{ $items := slice }}{{ range first 50 .RegularPages }}{{ $items = $items | append (slice (dict "id" .Permalink "url" .Permalink "title" .Title "date_published" (.Date.Format "2006-01-02T15:04:05Z07:00") "content_html" .Content)) }}{{ end }}{{ dict "version" "https://jsonfeed.org/version/1.1" "title" .Title "home_page_url" .Permalink "items" $items | jsonify }}\n`,
};

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).map(String);

/** A seed as a Hugo content file: title, date, categories and tags in front matter, HTML body. */
function toHugoFile(text: string): string {
  let title = 'untitled';
  let date = '2020-01-01T00:00:00Z';
  let body: string;
  let categories: string[] = [];
  let tags: string[] = [];
  const t = text.replace(/^\s+/, '');
  if (t.startsWith('---')) {
    const parsed = matter(t);
    const fm = parsed.data as Record<string, unknown>;
    body = parsed.content;
    title = typeof fm.title === 'string' ? fm.title : title;
    const d = fm.date instanceof Date ? fm.date : new Date(String(fm.date));
    if (!Number.isNaN(d.getTime())) date = d.toISOString();
    categories = list(fm.categories ?? fm.category);
    tags = list(fm.tags);
  } else {
    const lines = t.split('\n');
    title = lines[0]!.replace(/^\|/, '');
    body = lines
      .slice(1)
      .map((l) => `<p>${l}</p>`)
      .join('\n');
  }
  return `${JSON.stringify({ title, date, categories, tags })}\n${body}`;
}

export function prepareHugoSite(corpusDir: string, siteDir: string): void {
  rmSync(siteDir, { recursive: true, force: true });
  mkdirSync(path.join(siteDir, 'content'), { recursive: true });
  mkdirSync(path.join(siteDir, 'layouts/_default'), { recursive: true });
  writeFileSync(path.join(siteDir, 'hugo.toml'), CONFIG);
  for (const [name, text] of Object.entries(LAYOUTS))
    writeFileSync(path.join(siteDir, 'layouts/_default', name), text);
  let n = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else
        writeFileSync(
          path.join(siteDir, 'content', `${n++}.html`),
          toHugoFile(readFileSync(p, 'utf8')),
        );
    }
  };
  walk(corpusDir);
}

/** The argv of a cold `hugo` build into `outDir` (both cores, as Hugo runs by default). */
export function hugoCommand(siteDir: string, outDir: string): string[] {
  return ['hugo', '--quiet', '-s', siteDir, '-d', outDir];
}
