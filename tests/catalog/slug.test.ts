/** Category slugs: readable, one safe path segment and file name everywhere, unique and deterministic. */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { assignSlugs, baseSlug } from '../../src/catalog/slug.js';

const hash8 = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 8);

describe('baseSlug', () => {
  it.each([
    ['新媒体', '新媒体'],
    ['新浪财经－国內', '新浪财经国內'],
    ['zhongguogongyebao', 'zhongguogongyebao'],
    ['News', 'news'],
    ['Hello World', 'hello-world'],
    ['  Hello   World  ', 'hello-world'],
    ['snake_case name', 'snake-case-name'],
    ['a\tb\nc', 'a-b-c'],
    ['Ünïcödé Été', 'Ünïcödé-Été'],
    ['C++', 'c'],
    ['Node.js', 'node.js'],
    ['v1.2', 'v1.2'],
  ])('%j → %j', (name, slug) => {
    expect(baseSlug(name)).toBe(slug);
  });

  it('removes / \\ ? # % and other URL and file-name specials', () => {
    expect(baseSlug('a/b\\c?d#e%f')).toBe('abcdef');
    expect(baseSlug('AI/ML')).toBe('aiml');
    expect(baseSlug('50% off?')).toBe('50-off');
    expect(baseSlug('a:b*c"d<e>f|g')).toBe('abcdefg');
    expect(baseSlug('%2e%2e%2f')).toBe('2e2e2f');
  });

  it('removes control characters', () => {
    expect(baseSlug('a\u0000b\u0007c\u001bd\u007fe\u0085f')).toBe('abcdef');
    expect(baseSlug('\u202Eabc\u200B')).toBe('abc');
  });

  it('removes leading dots and every ..', () => {
    expect(baseSlug('.hidden')).toBe('hidden');
    expect(baseSlug('...dots')).toBe('dots');
    expect(baseSlug('../etc/passwd')).toBe('etcpasswd');
    expect(baseSlug('a..b')).toBe('a.b');
    expect(baseSlug('..')).toBe('');
    expect(baseSlug('trailing.')).toBe('trailing');
    for (const name of ['..', '../x', 'x/..', 'a...b', '.~x', '~/x']) {
      const slug = baseSlug(name);
      expect(slug).not.toContain('..');
      expect(slug).not.toMatch(/^[.~-]|[.-]$/);
    }
  });

  it('makes Windows device names safe, with or without an extension', () => {
    const cases = [
      ['CON', 'con-'],
      ['nul.txt', 'nul-.txt'],
      ['Aux', 'aux-'],
      ['COM1', 'com1-'],
      ['lpt9.md', 'lpt9-.md'],
      ['NUL.tar.gz', 'nul-.tar.gz'],
      ['prn.', 'prn-'],
      ['COM\u00b9', 'com\u00b9-'],
    ] as const;
    for (const [name, slug] of cases) {
      expect(baseSlug(name)).toBe(slug);
      // Windows reads NAME and NAME.anything as the device.
      expect(baseSlug(name)).not.toMatch(
        /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$/i,
      );
    }
    // Not device names: left alone.
    expect(baseSlug('console')).toBe('console');
    expect(baseSlug('com10')).toBe('com10');
    expect(baseSlug('nullable.txt')).toBe('nullable.txt');
  });

  it('returns an empty string when nothing usable is left', () => {
    for (const name of ['', '???', '/', '#%', '...', '---', '\u0000'])
      expect(baseSlug(name)).toBe('');
  });

  it('keeps slugs at most 60 characters, cut between characters', () => {
    const slug = baseSlug('数'.repeat(100));
    expect(Array.from(slug)).toHaveLength(60);
    // An astral letter is one character, never split into a lone surrogate.
    expect(baseSlug('\u{20000}'.repeat(70))).toBe('\u{20000}'.repeat(60));
    expect(baseSlug('a'.repeat(59) + '-b')).toBe('a'.repeat(59));
  });

  it('treats NFC and NFD spellings alike', () => {
    expect(baseSlug('Cafe\u0301')).toBe(baseSlug('Caf\u00e9'));
    expect(baseSlug('Caf\u00e9')).toBe('caf\u00e9');
  });
});

describe('assignSlugs', () => {
  it('gives each name its base slug when there is no clash', () => {
    expect([...assignSlugs(['新媒体', 'Hello World', '金融'])]).toEqual([
      ['Hello World', 'hello-world'],
      ['新媒体', '新媒体'],
      ['金融', '金融'],
    ]);
  });

  it('gives News and news distinct slugs, the same whatever the input order', () => {
    const expected = new Map([
      ['News', 'news'],
      ['news', `news-${hash8('news')}`],
    ]);
    expect(assignSlugs(['News', 'news'])).toEqual(expected);
    expect(assignSlugs(['news', 'News'])).toEqual(expected);
  });

  it('gives "a b" and "a-b" distinct slugs, the same whatever the input order', () => {
    const expected = new Map([
      ['a b', 'a-b'],
      ['a-b', `a-b-${hash8('a-b')}`],
    ]);
    expect(assignSlugs(['a-b', 'a b'])).toEqual(expected);
    expect(assignSlugs(['a b', 'a-b'])).toEqual(expected);
  });

  it('gives a name of only punctuation a c-<hash> slug', () => {
    const slugs = assignSlugs(['???', '!!!', '#']);
    expect(slugs.get('???')).toBe(`c-${hash8('???')}`);
    expect(slugs.get('!!!')).toBe(`c-${hash8('!!!')}`);
    expect(slugs.get('#')).toBe(`c-${hash8('#')}`);
  });

  it('never gives two names one slug, in any order, and is deterministic', () => {
    const names = [
      'News',
      'news',
      'NEWS',
      'a b',
      'a-b',
      'a_b',
      'A B',
      '???',
      '!!!',
      'c',
      '新媒体',
      '新媒体 ',
      'CON',
      'con',
      '..',
      '.',
      'Node.js',
      'node.js',
    ];
    const reference = assignSlugs(names);
    expect(reference.size).toBe(new Set(names).size);
    expect(new Set(reference.values()).size).toBe(reference.size);
    let seed = 7;
    for (let round = 0; round < 20; round++) {
      const shuffled = [...names];
      for (let i = shuffled.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(assignSlugs(shuffled)).toEqual(reference);
    }
    for (const slug of reference.values()) {
      expect(slug).toMatch(/^[\p{L}\p{N}\p{M}][\p{L}\p{N}\p{M}.~-]*$/u);
      expect(slug).not.toContain('..');
    }
  });

  it("resolves a hashed slug that clashes with another name's base slug", () => {
    const clash = `news-${hash8('news')}`;
    const slugs = assignSlugs(['News', 'news', clash]);
    expect(new Set(slugs.values()).size).toBe(3);
    expect(slugs.get('News')).toBe('news');
  });

  it('ignores repeated names', () => {
    expect([...assignSlugs(['新媒体', '新媒体', '新媒体'])]).toEqual([['新媒体', '新媒体']]);
  });
});
