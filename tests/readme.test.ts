/**
 * The README cannot drift from the code:
 * - its options table is OPTIONS (src/config.ts) row for row, in order: flag, environment variable
 *   and default (`default`; an option without one may show a friendlier text);
 * - every relative link in README.md and docs/*.md reaches a file that exists, and every `#anchor`
 *   a heading of that file (GitHub's heading ids).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPTIONS } from '../src/config.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = path.join(REPO, 'README.md');

/** The cells of a Markdown table row; `\|` inside a cell is not a separator. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The contents of a cell's code spans, in order. */
const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

interface Row {
  readonly line: number;
  readonly flagCell: string;
  readonly envCell: string;
  readonly defaultCell: string;
  readonly meaning: string;
}

/** The first table after the README's "Options" heading (and before the next heading). */
function optionsTable(markdown: string): { header: string[]; rows: Row[] } {
  const lines = markdown.split('\n');
  const heading = lines.findIndex((line) => /^#{2,4} Options\s*$/.test(line));
  if (heading === -1) throw new Error('README.md has no "Options" heading');
  let i = heading + 1;
  while (i < lines.length && !lines[i]!.startsWith('|')) {
    if (/^#{1,6} /.test(lines[i]!))
      throw new Error(`README.md: no table under "Options" before line ${i + 1}`);
    i++;
  }
  const start = i;
  const table: string[] = [];
  while (i < lines.length && lines[i]!.startsWith('|')) table.push(lines[i++]!);
  const [header = [], separator = [], ...body] = table.map(cells);
  if (!separator.every((cell) => /^:?-{3,}:?$/.test(cell)))
    throw new Error(`README.md line ${start + 2}: not a table separator row`);
  return {
    header,
    rows: body.map(([flagCell = '', envCell = '', defaultCell = '', meaning = ''], n) => ({
      line: start + 3 + n,
      flagCell,
      envCell,
      defaultCell,
      meaning,
    })),
  };
}

describe('README options table', () => {
  const { header, rows } = optionsTable(readFileSync(README, 'utf8'));
  const flagOf = (row: Row) => codeSpans(row.flagCell)[0]?.split(' ')[0];
  /** Each option's row, found by its flag, so that one missing row fails one check, not every one after it. */
  const rowOf = (option: (typeof OPTIONS)[number]): Row => {
    const row = rows.find((r) => flagOf(r) === `--${option.flag}`);
    expect(row, `README.md has no row for --${option.flag}`).toBeDefined();
    return row!;
  };

  it('has the columns flag, environment, default, meaning', () => {
    expect(header).toEqual(['flag', 'environment', 'default', 'meaning']);
  });

  it('has exactly one row per option of OPTIONS, in the same order', () => {
    expect(rows.map(flagOf)).toEqual(OPTIONS.map((o) => `--${o.flag}`));
  });

  it.each(OPTIONS.map((o) => [`--${o.flag}`, o] as const))(
    '%s: flag, environment variable and default as in OPTIONS',
    (_flag, option) => {
      const row = rowOf(option);
      const where = `README.md line ${row.line} (--${option.flag})`;
      // As the parser takes it: a value for a string option, --no-… for a boolean one.
      if (option.type === 'boolean') {
        expect(row.flagCell, where).toBe(`\`--${option.flag}\` / \`--no-${option.flag}\``);
      } else {
        expect(row.flagCell, where).toMatch(new RegExp(`^\`--${option.flag} [A-Z][A-Z_]*\`$`));
      }
      expect(row.envCell, where).toBe(`\`${option.env}\``);
      if (option.default !== undefined) {
        expect(row.defaultCell, where).toBe(`\`${option.default}\``);
      } else {
        // No `default` in OPTIONS: the README says in words what happens without the option.
        expect(row.defaultCell, `${where}: say what happens without it`).not.toBe('');
      }
      expect(row.meaning, `${where}: meaning`).not.toBe('');
    },
  );
});

/** GitHub's id for a heading: text as rendered, lower-cased, punctuation dropped, spaces to `-`. */
function headingId(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*+/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Markdown without its fenced code blocks. */
const withoutFences = (markdown: string): string =>
  markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');

/** Markdown without code: fenced blocks dropped, inline code emptied (a link there is no link). */
const prose = (markdown: string): string => withoutFences(markdown).replace(/`[^`\n]*`/g, '``');

function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const ids = new Set<string>();
  // Code spans in a heading are part of its id: only fenced blocks are left out here.
  for (const line of withoutFences(readFileSync(file, 'utf8')).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = headingId(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

/** The relative links of `text` (Markdown of `file`) whose file or heading does not exist. */
function brokenLinks(file: string, text: string): string[] {
  const broken: string[] = [];
  for (const m of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [rel = '', anchor] = target.split('#');
    const dest = rel === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rel));
    if (!existsSync(dest)) {
      broken.push(`${target}: no such file`);
    } else if (
      anchor !== undefined &&
      dest.endsWith('.md') &&
      !anchorsOf(dest).has(decodeURIComponent(anchor))
    ) {
      broken.push(`${target}: no heading with that id in ${path.relative(REPO, dest)}`);
    }
  }
  return broken;
}

const DOCS = [
  README,
  ...readdirSync(path.join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(REPO, 'docs', f)),
];

describe('links in README.md and docs/', () => {
  it.each(DOCS.map((file) => [path.relative(REPO, file), file]))(
    '%s: every relative link and anchor exists',
    (_name, file) => {
      expect(brokenLinks(file, readFileSync(file, 'utf8'))).toEqual([]);
    },
  );

  it('the check finds a missing file and a missing heading, and reads ids as GitHub makes them', () => {
    const text =
      '[a](docs/no-such.md) [b](docs/http.md#no-such-heading) [c](#security-model) [d](docs/history.md#complete-history-rfc-5005) `[e](no-such.md)`';
    expect(brokenLinks(README, text)).toEqual([
      'docs/no-such.md: no such file',
      'docs/http.md#no-such-heading: no heading with that id in docs/http.md',
    ]);
    expect(headingId('Signals and `seedfeed serve`')).toBe('signals-and-seedfeed-serve');
    expect(headingId('What `seedfeed scan` reports')).toBe('what-seedfeed-scan-reports');
  });
});
