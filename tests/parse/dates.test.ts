/** parseDateValue over the date forms seed files use; every result is an exact instant. */
import { describe, expect, it } from 'vitest';
import { parseDateValue, type DateResult } from '../../src/parse/dates.js';

function instant(result: DateResult): string {
  if (!result || !('date' in result)) expect.fail(`expected a date, got ${JSON.stringify(result)}`);
  return new Date(result.date).toISOString();
}

describe('parseDateValue', () => {
  it('runs in a zone that is not UTC, so a zone-dependent parse would show', () => {
    expect(process.env.TZ).toBe('Asia/Shanghai');
    expect(new Date(2022, 0, 1).getTimezoneOffset()).toBe(-480);
  });

  it.each([
    // RFC 2822 / RFC 1123, as the Hexo samples write them
    ['Sun, 13 Feb 2022 15:09:00 GMT', '2022-02-13T15:09:00.000Z'],
    ['Fri, 23 Jul 2021 09:06:41 GMT', '2021-07-23T09:06:41.000Z'],
    ['13 Feb 2022 15:09:00 +0800', '2022-02-13T07:09:00.000Z'],
    ['Wed, 2 Mar 2022 11:09 -0500', '2022-03-02T16:09:00.000Z'],
    ['Wed, 02 Mar 2022 11:09:47 EST', '2022-03-02T16:09:47.000Z'],
    ['Sat, 02 Jul 2022 11:09:47 PDT', '2022-07-02T18:09:47.000Z'],
    ['Sun, 13 Feb 2022 15:09:00 UTC', '2022-02-13T15:09:00.000Z'],
    ['Sun, 13 February 2022 15:09:00 Z', '2022-02-13T15:09:00.000Z'],
    // Jekyll: space-separated time and a +hhmm zone (sample 002)
    ['2022-03-02 11:09:47 +0800', '2022-03-02T03:09:47.000Z'],
    ['2022-03-02 11:09:47 -0330', '2022-03-02T14:39:47.000Z'],
    // ISO 8601 with a colon offset, fractions, Z
    ['2022-03-02T11:09:47+08:00', '2022-03-02T03:09:47.000Z'],
    ['2022-03-02T11:09:47.5+08:00', '2022-03-02T03:09:47.500Z'],
    ['2022-03-02T11:09:47.123456Z', '2022-03-02T11:09:47.123Z'],
    ['2022-03-02T11:09Z', '2022-03-02T11:09:00.000Z'],
    ['2022-03-02T11:09:47 GMT', '2022-03-02T11:09:47.000Z'],
    // No zone: UTC, whatever the machine's TZ
    ['2022-03-02 11:09:47', '2022-03-02T11:09:47.000Z'],
    ['2022-03-02T11:09:47', '2022-03-02T11:09:47.000Z'],
    ['2022-3-2 8:05', '2022-03-02T08:05:00.000Z'],
    // Date only: midnight UTC
    ['2022-03-02', '2022-03-02T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['  2022-03-02  ', '2022-03-02T00:00:00.000Z'],
    // A leap second is read as the second before it
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.000Z'],
  ])('reads %j as %s', (text, iso) => {
    expect(instant(parseDateValue(text))).toBe(iso);
  });

  it('reads epoch numbers in seconds and in milliseconds', () => {
    expect(instant(parseDateValue(1646190587))).toBe('2022-03-02T03:09:47.000Z');
    expect(instant(parseDateValue(1646190587000))).toBe('2022-03-02T03:09:47.000Z');
    expect(instant(parseDateValue(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(instant(parseDateValue(-86400))).toBe('1969-12-31T00:00:00.000Z');
  });

  it('reads a valid Date as its time in milliseconds, a number', () => {
    expect(parseDateValue(new Date('2022-03-02T03:09:47Z'))).toEqual({
      date: Date.UTC(2022, 2, 2, 3, 9, 47),
    });
  });

  it('gives every date as a number of milliseconds, never a Date object', () => {
    for (const input of ['2022-03-02T11:09:47+08:00', 'Wed, 02 Mar 2022 03:09:47 GMT', 1646190587])
      expect(parseDateValue(input)).toStrictEqual({ date: 1646190587000 });
  });

  it.each([
    ['2022-02-30'],
    ['2022-02-29'],
    ['2021-04-31'],
    ['2022-13-45 99:99:99'],
    ['2022-00-10'],
    ['2022-03-02 24:00:00'],
    ['2022-03-02 11:60:00'],
    ['2022-03-02T11:09:47+15:00'],
    ['2022-03-02T11:09:47+08:60'],
    ['31 Feb 2022 10:00:00 GMT'],
    ['13 Foo 2022 15:09:00 GMT'],
    ['Sun, 13 Feb 2022 25:09:00 GMT'],
    ['garbage'],
    ['next Tuesday'],
    ['2022/03/02'],
    ['03/02/2022'],
    ['20220302'],
    ['Invalid Date'],
  ])('says %j is not a date, keeping the text', (text) => {
    expect(parseDateValue(text)).toEqual({ invalid: text });
  });

  it('refuses values that are not dates at all, and epochs out of range', () => {
    expect(parseDateValue(new Date(Number.NaN))).toEqual({ invalid: 'Invalid Date' });
    expect(parseDateValue(Number.NaN)).toEqual({ invalid: 'NaN' });
    expect(parseDateValue(Number.POSITIVE_INFINITY)).toEqual({ invalid: 'Infinity' });
    expect(parseDateValue(1e20)).toEqual({ invalid: '100000000000000000000' });
    expect(parseDateValue(true)).toEqual({ invalid: 'true' });
    expect(parseDateValue({ year: 2022 })).toEqual({ invalid: '[object Object]' });
    expect(parseDateValue(['2022-03-02'])).toEqual({ invalid: '2022-03-02' });
  });

  it('treats an absent value as no date, not as an invalid one', () => {
    expect(parseDateValue(undefined)).toBeUndefined();
    expect(parseDateValue(null)).toBeUndefined();
    expect(parseDateValue('')).toBeUndefined();
  });

  it('never returns an Invalid Date', () => {
    const inputs: unknown[] = [
      '2022-02-30',
      '2022-13-45 99:99:99',
      'garbage',
      1e300,
      -1e300,
      new Date(Number.NaN),
      '9999-12-31T23:59:59Z',
      '10000-01-01',
    ];
    for (const input of inputs) {
      const result = parseDateValue(input);
      if (result && 'date' in result) expect(Number.isNaN(result.date)).toBe(false);
    }
  });
});
