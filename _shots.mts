import { serve } from '@hono/node-server';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Scanner } from '/work/main/src/ingest/scanner.ts';
import { Site } from '/work/main/src/render/site.ts';
import { createApp } from '/work/main/src/http/app.ts';
import { silentLogger } from '/work/main/src/log.ts';
const { catalog } = await new Scanner({ seedsDir: '/work/main/seeds', extensions: ['.md','.txt','.html'], maxFileBytes: 5<<20 }).scan();
const site = new Site(catalog, { baseUrl: 'https://news.example.org', siteTitle: 'seedfeed', limit: 50 }, new Date('2026-01-01T00:00:00Z'));
const app = createApp({ site: () => site, health: () => ({ status: 'ok', body: {} }), maxAge: 60, limit: 50, logger: silentLogger });
const server: any = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const article = catalog.articles.find((a) => a.sources.includes('000_b04ed080fefa3896.txt'))!;
const profile = mkdtempSync('/tmp/shot-profile-');
for (const [url, file] of [[`${origin}/`, '/tmp/shot-index.png'], [`${origin}/articles/${article.id}/`, '/tmp/shot-article.png']]) {
  execFileSync('/usr/bin/chromium', ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync',`--user-data-dir=${profile}`,'--hide-scrollbars',`--screenshot=${file}`,'--window-size=1200,1600', url], { stdio: 'inherit' });
}
server.close();
