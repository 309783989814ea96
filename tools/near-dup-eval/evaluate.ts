import type { DatedDraft } from '../../src/model.js';
import { buildCatalog } from '../../src/catalog/catalog.js';
import { draftFromText } from '../../src/catalog/draft-file.js';
import type { LabelledFile } from './labelled-set.js';

/**
 * Precision and recall of duplicate detection on a labelled set, counted over pairs of files:
 * a pair is predicted a duplicate when both files end up in one article, and is one when both
 * carry the same story.
 */
export interface Score {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  /** Predicted pairs that are right / predicted / true pairs. */
  readonly truePairs: number;
  readonly predictedPairs: number;
  readonly labelledPairs: number;
  /** Articles that mix two or more stories. */
  readonly falseMerges: number;
  readonly articles: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Parses the files once (with sketches), then builds the catalog at every threshold. */
export function evaluate(files: readonly LabelledFile[], thresholds: readonly number[]): Score[] {
  const storyOf = new Map(files.map((f) => [f.path, f.story]));
  const drafts: DatedDraft[] = files.map((f) => {
    const draft = draftFromText(f.path, f.text, { sketch: true });
    if ('reason' in draft) throw new Error(`labelled file ${f.path} was rejected: ${draft.reason}`);
    return { draft, date: draft.date ?? 0 };
  });
  const storySizes = new Map<number, number>();
  for (const f of files) storySizes.set(f.story, (storySizes.get(f.story) ?? 0) + 1);
  const labelledPairs = [...storySizes.values()].reduce((s, n) => s + pairs(n), 0);

  return thresholds.map((threshold) => {
    const catalog = buildCatalog({
      drafts,
      rejected: [],
      notices: [],
      files: files.length,
      nearDupThreshold: threshold,
    });
    let truePairs = 0;
    let predictedPairs = 0;
    let falseMerges = 0;
    for (const article of catalog.articles) {
      predictedPairs += pairs(article.sources.length);
      const byStory = new Map<number, number>();
      for (const s of article.sources)
        byStory.set(storyOf.get(s)!, (byStory.get(storyOf.get(s)!) ?? 0) + 1);
      if (byStory.size > 1) falseMerges++;
      for (const n of byStory.values()) truePairs += pairs(n);
    }
    return {
      threshold,
      precision: predictedPairs === 0 ? 1 : truePairs / predictedPairs,
      recall: labelledPairs === 0 ? 1 : truePairs / labelledPairs,
      truePairs,
      predictedPairs,
      labelledPairs,
      falseMerges,
      articles: catalog.articles.length,
    };
  });
}
