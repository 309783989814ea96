import type { Catalog } from './model.js';

/** The `scan --json` contract: every file seen appears once, in one article's sources or in rejected. */
export function scanReport(catalog: Catalog) {
  return {
    files: catalog.files,
    articles: catalog.articles.map((a) => ({
      id: a.id,
      guid: a.guid,
      title: a.title,
      date: a.date.toISOString(),
      updated: a.updated.toISOString(),
      author: a.author ?? null,
      categories: a.categories,
      tags: a.tags,
      link: a.link ?? null,
      image: a.image ?? null,
      summary: a.summary,
      sources: a.sources,
    })),
    duplicates: catalog.duplicates,
    rejected: catalog.rejected.map((r) => ({ file: r.file, reason: r.reason })),
    notices: catalog.notices.map((n) => ({ file: n.file, note: n.note })),
    categories: catalog.categories.map((c) => ({ name: c.name, slug: c.slug, count: c.articleIds.length })),
  };
}

/** The same report for people. */
export function formatScanSummary(catalog: Catalog, seedsDir: string): string {
  const lines = [
    `${seedsDir}: ${catalog.files} files, ${catalog.articles.length} articles, ${catalog.duplicates} duplicates merged, ${catalog.rejected.length} rejected, ${catalog.categories.length} categories`,
  ];
  for (const a of catalog.articles) {
    lines.push(`  ${a.date.toISOString().slice(0, 16).replace('T', ' ')}Z  ${a.title}${a.categories.length ? `  [${a.categories.join(', ')}]` : ''}`);
    if (a.sources.length > 1) lines.push(`      merged from ${a.sources.join(', ')}`);
  }
  if (catalog.rejected.length) lines.push('rejected:');
  for (const r of catalog.rejected) lines.push(`  ${r.file}: ${r.reason}`);
  if (catalog.notices.length) lines.push('notes:');
  for (const n of catalog.notices) lines.push(`  ${n.file}: ${n.note}`);
  return lines.join('\n');
}
