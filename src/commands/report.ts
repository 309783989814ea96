import type { Catalog, MergeNote } from '../model.js';
import { summaryOf } from '../catalog/summary-ref.js';

/** The `scan --json` contract: every file seen appears once, in one article's sources or in rejected. */
export function scanReport(catalog: Catalog) {
  return {
    files: catalog.files,
    articles: catalog.articles.map((a) => ({
      id: a.id,
      guid: a.guid,
      title: a.title,
      date: new Date(a.date).toISOString(),
      updated: new Date(a.updated).toISOString(),
      author: a.author ?? null,
      categories: a.categories,
      tags: a.tags,
      link: a.link ?? null,
      image: a.image ?? null,
      summary: summaryOf(a),
      sources: a.sources,
      /** The source that gives title and body, and why every other source was merged into it. */
      primary: a.bodySource,
      merged: a.merges ?? [],
    })),
    duplicates: catalog.duplicates,
    nearDuplicates: catalog.nearDuplicates ?? 0,
    boilerplate: catalog.boilerplate ?? [],
    rejected: catalog.rejected.map((r) => ({ file: r.file, reason: r.reason })),
    notices: catalog.notices.map((n) => ({ file: n.file, note: n.note })),
    categories: catalog.categories.map((c) => ({
      name: c.name,
      slug: c.slug,
      count: c.articleIds.length,
    })),
  };
}

/** `near-duplicate, similarity 0.86; 29 paragraphs alike, 2 only in the primary, 1 only here (first at paragraph 5); own title "…"` */
export function describeMerge(m: MergeNote): string {
  const parts = [
    m.reason === 'exact' ? 'exact copy' : `near-duplicate, similarity ${m.similarity.toFixed(2)}`,
  ];
  if (m.diff) {
    const d = m.diff;
    parts.push(
      d.onlyInCopy + d.onlyInPrimary === 0
        ? 'same paragraphs'
        : `${d.same} paragraphs alike, ${d.onlyInPrimary} only in the primary, ${d.onlyInCopy} only here${d.firstDifferentParagraph ? ` (first at paragraph ${d.firstDifferentParagraph})` : ''}`,
    );
  }
  if (m.title !== undefined) parts.push(`own title "${m.title}"`);
  return parts.join('; ');
}

/** The same report for people. */
export function formatScanSummary(catalog: Catalog, seedsDir: string): string {
  const lines = [
    `${seedsDir}: ${catalog.files} files, ${catalog.articles.length} articles, ${catalog.duplicates} duplicates merged${catalog.nearDuplicates ? ` (${catalog.nearDuplicates} near-duplicates)` : ''}, ${catalog.rejected.length} rejected, ${catalog.categories.length} categories`,
  ];
  for (const a of catalog.articles) {
    lines.push(
      `  ${new Date(a.date).toISOString().slice(0, 16).replace('T', ' ')}Z  ${a.title}${a.categories.length ? `  [${a.categories.join(', ')}]` : ''}`,
    );
    if (a.sources.length > 1) {
      lines.push(`      merged from ${a.sources.join(', ')}; body from ${a.bodySource}`);
      for (const m of a.merges ?? []) lines.push(`        ${m.source}: ${describeMerge(m)}`);
    }
  }
  if (catalog.boilerplate?.length)
    lines.push('boilerplate learned (ignored for near-duplicate similarity):');
  for (const b of catalog.boilerplate ?? [])
    lines.push(
      `  ${b.publisher}: a line in ${b.articles} articles, e.g. ${b.example.source} paragraph ${b.example.paragraph}`,
    );
  if (catalog.rejected.length) lines.push('rejected:');
  for (const r of catalog.rejected) lines.push(`  ${r.file}: ${r.reason}`);
  if (catalog.notices.length) lines.push('notes:');
  for (const n of catalog.notices) lines.push(`  ${n.file}: ${n.note}`);
  return lines.join('\n');
}
