import type { Article } from '../model.js';
import { summaryOf } from '../catalog/summary-ref.js';

const SCRIPTS: Array<[RegExp, string]> = [
  [/[\u3040-\u30ff]/u, 'ja'],
  [/[\uac00-\ud7af]/u, 'ko'],
  [/\p{Script=Han}/u, 'zh-CN'],
  [/\p{Script=Cyrillic}/u, 'ru'],
  [/\p{Script=Arabic}/u, 'ar'],
  [/\p{Script=Greek}/u, 'el'],
];

/** The feeds' default language, from the script most article titles are written in. */
export function detectLanguage(articles: readonly Article[]): string {
  const votes = new Map<string, number>();
  for (const article of articles.slice(0, 500)) {
    const sample = `${article.title} ${summaryOf(article).slice(0, 80)}`;
    const lang = SCRIPTS.find(([re]) => re.test(sample))?.[1] ?? 'en';
    votes.set(lang, (votes.get(lang) ?? 0) + 1);
  }
  let best = 'en';
  let bestVotes = 0;
  for (const [lang, n] of votes) if (n > bestVotes) [best, bestVotes] = [lang, n];
  return best;
}
