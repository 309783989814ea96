/**
 * The default near-duplicate threshold, chosen from the labelled set (`npm run near-dup-eval`,
 * README "Near-duplicates"): the middle of the range where precision and recall are both ≥ 0.98.
 */
export const DEFAULT_NEAR_DUP_THRESHOLD = 0.7;
