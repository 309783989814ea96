/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: a handful of counters,
 * gauges and one histogram do not need a client library, and the request counters on the hot
 * path stay plain array increments (see request-counters.ts).
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Collects metric families in order and renders them as one exposition document. */
export class Exposition {
  private readonly lines: string[] = [];

  private family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }

  private sample(name: string, labels: Labels | undefined, value: number): void {
    this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  counter(name: string, help: string, samples: readonly Sample[] | number): this {
    this.family(name, 'counter', help);
    for (const s of typeof samples === 'number' ? [{ value: samples }] : samples)
      this.sample(name, s.labels, s.value);
    return this;
  }

  gauge(name: string, help: string, samples: readonly Sample[] | number): this {
    this.family(name, 'gauge', help);
    for (const s of typeof samples === 'number' ? [{ value: samples }] : samples)
      this.sample(name, s.labels, s.value);
    return this;
  }

  histogram(name: string, help: string, histogram: HistogramSnapshot): this {
    this.family(name, 'histogram', help);
    let cumulative = 0;
    histogram.bounds.forEach((bound, i) => {
      cumulative += histogram.counts[i]!;
      this.sample(`${name}_bucket`, { le: formatValue(bound) }, cumulative);
    });
    this.sample(`${name}_bucket`, { le: '+Inf' }, histogram.count);
    this.sample(`${name}_sum`, undefined, histogram.sum);
    this.sample(`${name}_count`, undefined, histogram.count);
    return this;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export interface HistogramSnapshot {
  /** Upper bounds of the finite buckets, ascending. */
  readonly bounds: readonly number[];
  /** Observations per finite bucket (not cumulative); larger values only count in `count`. */
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

export class Histogram implements HistogramSnapshot {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const i = this.bounds.findIndex((bound) => value <= bound);
    if (i !== -1) this.counts[i]!++;
  }
}
