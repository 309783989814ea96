import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Hugo, the static generator a user would pick instead, over the same corpus: each seed becomes
 * a Hugo content file (HTML body, title and date in front matter Hugo reads), with layouts for
 * an RSS feed and one page per article — the same outputs seedfeed produces.
 */
export function hugoVersion(): string | undefined {
  const r = spawnSync('hugo', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(' ').slice(0, 2).join(' ') : undefined;
}

function toHugoFile(text: string): string {
  const t = text.replace(/^\s+/, '');
  let title = 'untitled';
  let date = '2020-01-01T00:00:00Z';
  let body: string;
  if (t.startsWith('---')) {
    const end = t.indexOf('\n---', 3);
    const fm = t.slice(4, end);
    body = t.slice(end + 4);
    title = /title: ['"]?(.*?)['"]?\n/.exec(fm)?.[1] ?? title;
    const d = /date: (.*)\n/.exec(fm)?.[1];
    const parsed = d ? new Date(d.replace(/ ([+-]\d\d)(\d\d)$/, '$1:$2')) : undefined;
    if (parsed && !Number.isNaN(parsed.getTime())) date = parsed.toISOString();
  } else {
    const lines = t.split('\n');
    title = lines[0]!.replace(/^\|/, '');
    body = lines
      .slice(1)
      .map((l) => `<p>${l}</p>`)
      .join('\n');
  }
  return `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\n---\n${body}`;
}

export function prepareHugoSite(corpusDir: string, siteDir: string): void {
  rmSync(siteDir, { recursive: true, force: true });
  mkdirSync(path.join(siteDir, 'content/posts'), { recursive: true });
  mkdirSync(path.join(siteDir, 'layouts/_default'), { recursive: true });
  writeFileSync(
    path.join(siteDir, 'hugo.toml'),
    'baseURL = "https://bench.example/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404"]\n[outputs]\nhome = ["RSS"]\nsection = ["RSS"]\npage = ["HTML"]\n[services.rss]\nlimit = 50\n',
  );
  writeFileSync(
    path.join(siteDir, 'layouts/_default/single.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02 15:04 MST" }}</p>{{ .Content }}</body></html>\n',
  );
  let n = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else
        writeFileSync(
          path.join(siteDir, 'content/posts', `${n++}.html`),
          toHugoFile(readFileSync(p, 'utf8')),
        );
    }
  };
  walk(corpusDir);
}

/** Seconds of a cold `hugo` build (both cores, as Hugo runs by default). */
export function timeHugo(siteDir: string): number {
  rmSync(path.join(siteDir, 'public'), { recursive: true, force: true });
  const started = performance.now();
  execFileSync('hugo', ['--quiet', '-s', siteDir, '-d', path.join(siteDir, 'public')], {
    stdio: 'ignore',
  });
  return performance.now() - started;
}
