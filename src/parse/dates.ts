/**
 * Dates as seed files write them, with their time zones. Every field is range-checked: YAML and
 * `Date` both roll `2022-02-30` over to 2 March, which would put an article on a day nobody wrote.
 * A value without a zone is read as UTC, whatever the machine's TZ.
 */

const ISO_LIKE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

const RFC_2822 =
  /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC?|Z|[+-]\d{4}|[ECMP][SD]T)?$/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const US_ZONES: Record<string, number> = {
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/** `date` is milliseconds since the epoch (UTC), never NaN. */
export type DateResult = { readonly date: number } | { readonly invalid: string } | undefined;

/** Reads a front-matter date value: `Date`, epoch number, or one of the string forms above. */
export function parseDateValue(value: unknown): DateResult {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? { invalid: String(value) } : { date: value.getTime() };
  if (typeof value === 'number') {
    // Seconds or milliseconds since the epoch; 1e11 seconds is the year 5138.
    const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
    return inRange(ms) ? { date: ms } : { invalid: String(value) };
  }
  if (typeof value !== 'string') return { invalid: describe(value) };
  const text = value.trim();
  const date = parseIsoLike(text) ?? parseRfc2822(text);
  return date === null || date === undefined ? { invalid: text } : { date };
}

/** Lists longer than this are described, not written out. */
const MAX_LISTED = 100;

/**
 * A value that is no date, as the notice quotes it. `String()` of a list writes out every item,
 * and through YAML aliases 5.6 KB of front matter is a list of 64 million: only short flat lists
 * are written out.
 */
function describe(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  const flat =
    value.length <= MAX_LISTED && value.every((item) => item === null || typeof item !== 'object');
  return flat ? String(value) : `a list of ${value.length} items`;
}

function inRange(ms: number): boolean {
  return (
    Number.isFinite(ms) &&
    ms >= Date.UTC(1970, 0, 1) - 365 * 864e5 * 70 &&
    ms <= Date.UTC(9999, 11, 31)
  );
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (!zone || /^(Z|UTC?|GMT)$/i.test(zone)) return 0;
  const us = US_ZONES[zone.toUpperCase()];
  if (us !== undefined) return us;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  zone: string | undefined,
): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (h > 23 || mi > 59 || s > 60) return null;
  const offset = zoneOffsetMinutes(zone);
  if (offset === null) return null;
  // A leap second (:60) is read as the last millisecond-exact second before it.
  const utc = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms) - offset * 60_000;
  return inRange(utc) ? utc : null;
}

/** `2022-03-02`, `2022-03-02 11:09:47 +0800`, `2022-03-02T11:09:47.5+08:00`, … */
export function parseIsoLike(text: string): number | null | undefined {
  const m = ISO_LIKE.exec(text);
  if (!m) return undefined;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return build(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    ms,
    m[8],
  );
}

/** `Sun, 13 Feb 2022 15:09:00 GMT` (RFC 2822 / RFC 1123). The weekday is not checked. */
export function parseRfc2822(text: string): number | null | undefined {
  const m = RFC_2822.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase()) + 1;
  if (month === 0) return null;
  return build(
    Number(m[3]),
    month,
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
    0,
    m[7],
  );
}
