import path from 'node:path';
import type { Article } from '../model.js';
import { pageContextOf, type PageSettings } from '../render/page-settings.js';
import { renderArticlePage } from '../render/pages.js';
import { writeArticleDocumentSync } from './stage-document.js';

export type { PageSettings };

const encoder = new TextEncoder();

/** An article page to write: its file under the output directory, and its article. */
export interface PageJob {
  readonly file: string;
  readonly article: Article;
}

/**
 * Renders each page from its article's body and replaces its file and its gzip sibling
 * (stage-document.ts) atomically; returns how many it
 * wrote. Synchronous: it runs in a parse worker, next to the bodies, on a thread with nothing else
 * to do (write-site.ts writes every other file, asynchronously, on the serving thread).
 */
export function writeArticlePages(
  settings: PageSettings,
  outDir: string,
  pages: readonly PageJob[],
  bodyOf: (source: string) => string | undefined,
): number {
  const ctx = pageContextOf(settings);
  const madeDirs = new Set<string>();
  for (const { file, article } of pages) {
    const body = bodyOf(article.bodySource);
    if (body === undefined) throw new Error(`no body held for ${article.bodySource}`);
    const page = encoder.encode(renderArticlePage(ctx, article, body));
    writeArticleDocumentSync(path.join(outDir, file), page, madeDirs);
  }
  return pages.length;
}
