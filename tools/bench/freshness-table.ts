import type { FreshnessResult } from './freshness-measure.js';
import { KINDS } from './freshness-ops.js';

/**
 * The freshness figures as one markdown table: a row per figure, a column per corpus size, and
 * beside every figure of a larger corpus its ratio to the smallest corpus of the same run.
 */

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const ms = (v: number) =>
  Number.isNaN(v) ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`;
const mb = (v: number) => `${v.toFixed(0)} MB`;
const times = (v: number, base: number) =>
  Number.isFinite(v / base) ? `${(v / base).toFixed(2)}×` : '–';

interface Figure {
  readonly what: string;
  readonly target: string;
  /** The numbers the cell shows (ratios are taken of each), and how the cell joins them. */
  readonly values: (r: FreshnessResult) => readonly number[];
  readonly show: (values: readonly number[]) => string;
  /** Facts shown after the ratios, not compared. */
  readonly note?: (r: FreshnessResult) => string;
}

const p50p99 = (v: readonly number[]) => `${ms(v[0]!)} / ${ms(v[1]!)}`;
const percentiles = (values: readonly number[]) => [
  percentile(values, 0.5),
  percentile(values, 0.99),
];

const FIGURES: readonly Figure[] = [
  ...KINDS.map((kind): Figure => ({
    what: `write → served, ${kind === 'new' ? 'new file' : kind}, p50 / p99`,
    target: '≤ 300 ms / ≤ 600 ms, ≤ 1.5× 10k',
    values: (r) => percentiles(r.latencies[kind]),
    show: p50p99,
  })),
  {
    what: 'scan-to-swap of a one-file change (logged), p50 / p99',
    target: '≤ 100 ms',
    values: (r) => percentiles(r.oneFileScansMs),
    show: p50p99,
    note: (r) => `${r.oneFileScansMs.length} scans`,
  },
  {
    what: 'service CPU time per change, all threads (polling included)',
    target: '',
    values: (r) => [r.cpuPerChangeMs],
    show: (v) => ms(v[0]!),
  },
  {
    what: 'first scan (logged) / spawn → serving',
    target: '',
    values: (r) => [r.firstScanMs, r.firstServedMs],
    show: p50p99,
  },
  {
    what: 'RSS after the first scan / peak during it',
    target: '≤ 400 MB / ≤ 1 GB',
    values: (r) => [r.afterFirstScan.rssMb, r.afterFirstScan.peakMb],
    show: (v) => `${mb(v[0]!)} / ${mb(v[1]!)}`,
  },
  {
    what: 'RSS 10 s after the first scan (its collections done)',
    target: '≤ 400 MB',
    values: (r) => [r.settled.rssMb],
    show: (v) => mb(v[0]!),
  },
  {
    what: 'RSS after the changes',
    target: '',
    values: (r) => [r.afterChanges.rssMb],
    show: (v) => mb(v[0]!),
  },
  {
    what: 'restart → /rss.xml 200 (restart scan: changed files, time)',
    target: '≤ 2 s, 0 read',
    values: (r) => [r.restartMs],
    show: (v) => ms(v[0]!),
    note: (r) => `${r.restartChanged.toLocaleString('en')} changed, ${ms(r.restartScanMs)}`,
  },
];

export function freshnessTable(results: readonly FreshnessResult[]): string {
  const base = results[0]!;
  const header = ['what', ...results.map((r) => `${r.size.toLocaleString('en')} files`), 'target'];
  const rows = FIGURES.map((figure) => [
    figure.what,
    ...results.map((r) => {
      const values = figure.values(r);
      const note = figure.note ? ` (${figure.note(r)})` : '';
      if (r === base) return `${figure.show(values)}${note}`;
      const baseValues = figure.values(base);
      const ratios = values.map((v, i) => times(v, baseValues[i]!)).join(' / ');
      return `${figure.show(values)} (${ratios})${note}`;
    }),
    figure.target,
  ]);
  rows.unshift([
    'articles served / changes of each kind (not served in 2 min)',
    ...results.map(
      (r) =>
        `${r.articles.toLocaleString('en')} / ${r.latencies.new.length + r.missed.new}` +
        (KINDS.some((k) => r.missed[k] > 0)
          ? ` (${KINDS.map((k) => `${r.missed[k]} ${k}`).join(', ')})`
          : ''),
    ),
    '',
  ]);
  const slopes = results.slice(1).map((r, i) => {
    const before = results[i]!;
    const kb =
      ((r.afterFirstScan.rssMb - before.afterFirstScan.rssMb) * 1024) /
      (r.articles - before.articles);
    const million = r.afterFirstScan.rssMb + (kb * (1e6 - r.articles)) / 1024;
    return `${kb.toFixed(1)} KB/article since ${before.size.toLocaleString('en')} (1M: ~${(million / 1024).toFixed(1)} GB)`;
  });
  if (slopes.length > 0)
    rows.push(['RSS slope after the first scan (linear to 1M articles)', '', ...slopes, '']);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
