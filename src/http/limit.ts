/**
 * The `?limit=` of a feed request: undefined when there is none, else a whole number from 1 to
 * `max` written in plain digits, given once. Anything else (`-1`, `0`, `1e3`, `NaN`, `10^12`, a
 * value over `max`, an empty value, the parameter twice) is 'invalid': a 400, never a guess.
 */
export function feedLimit(search: string, max: number): number | undefined | 'invalid' {
  if (!search.includes('limit')) return undefined;
  const values = new URLSearchParams(search).getAll('limit');
  if (values.length === 0) return undefined;
  if (values.length > 1 || !/^\d{1,6}$/.test(values[0]!)) return 'invalid';
  const limit = Number(values[0]);
  return limit >= 1 && limit <= max ? limit : 'invalid';
}
