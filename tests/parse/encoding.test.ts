/**
 * Bytes → text: UTF-8 and UTF-16 with a BOM are decoded; empty, binary and legacy-encoded files
 * are rejected with a reason, and never reach a feed as mojibake.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSeed } from '../../src/scan/read.js';
import { parseSeed } from '../../src/parse/index.js';
import type { Catalog } from '../../src/model.js';
import {
  FIXTURES,
  articleFrom,
  expectDraft,
  expectRejection,
  fixtureBytes,
  parseFixture,
  scanDir,
} from '../support/seeds.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

const GBK_TITLE = '郴州推进有色金属产业数字化';

describe('invalid-utf8.txt (GBK bytes)', () => {
  it('really is GBK, and a lenient UTF-8 decoder would turn it into mojibake', () => {
    const bytes = fixtureBytes('invalid-utf8.txt');
    expect(new TextDecoder('gbk').decode(bytes)).toContain(`title: ${GBK_TITLE}`);
    const lenient = new TextDecoder('utf-8').decode(bytes);
    expect(lenient).toContain('\uFFFD');
    expect(lenient).not.toContain(GBK_TITLE);
  });

  it('is rejected with a reason that names UTF-8 and the first bad byte', async () => {
    const r = expectRejection(await parseFixture('invalid-utf8.txt'));
    // "---\ntitle: " is 11 ASCII bytes; the GBK title starts at byte 11.
    expect(r).toEqual({
      file: 'invalid-utf8.txt',
      reason:
        'not valid UTF-8 (at byte 11); legacy encodings such as GBK are not guessed — save the file as UTF-8',
    });
  });

  it.each([
    ['a GBK pair after ASCII', [0x41, 0xd6, 0xd0, 0xce, 0xc4], 1],
    ['a stray continuation byte', [0x41, 0xb3, 0xbb], 1],
    ['a lead byte followed by ASCII', [0x41, 0xe6, 0x41], 1],
    ['a 4-byte sequence cut by ASCII', [0x41, 0xf0, 0x9f, 0x41], 1],
    ['an overlong lead', [0x41, 0x42, 0xc0, 0xaf], 2],
    ['a sequence cut by the end of the file', [...Buffer.from('正文', 'utf8').subarray(0, 5)], 3],
    ['a bad byte after a complete 3-byte character', [...Buffer.from('正', 'utf8'), 0xb3], 3],
  ])('reports where the bad bytes start: %s', (_label, bytes, at) => {
    expect(decodeSeed(Uint8Array.from(bytes))).toEqual({
      reason: `not valid UTF-8 (at byte ${at}); legacy encodings such as GBK are not guessed — save the file as UTF-8`,
    });
  });

  it('finds the first bad byte deep inside a file too', () => {
    const bytes = Buffer.concat([
      Buffer.from('---\ntitle: 标题\n---\n正文'.repeat(50)),
      Buffer.from([0xd6, 0xd0, 0xce, 0xc4]),
    ]);
    expect(decodeSeed(bytes)).toEqual({
      reason: `not valid UTF-8 (at byte ${bytes.length - 4}); legacy encodings such as GBK are not guessed — save the file as UTF-8`,
    });
  });
});

describe('binary.txt (a PNG)', () => {
  it('is rejected as binary at its first NUL byte', async () => {
    expect(await parseFixture('binary.txt')).toEqual({
      file: 'binary.txt',
      reason: 'binary file: contains a NUL byte at offset 8',
    });
  });

  it('is kept when a stray NUL comes after valid UTF-8 text (tests/scan/stray-nul.test.ts)', () => {
    expect(decodeSeed(Buffer.from('---\ntitle: x\n---\nbody\0more'))).toEqual({
      text: '---\ntitle: x\n---\nbodymore',
      note: 'a NUL byte at offset 21 was removed',
    });
  });
});

describe('UTF-16 with a byte order mark', () => {
  it('utf16-bom.txt (little-endian) is decoded exactly', async () => {
    expect([...fixtureBytes('utf16-bom.txt').subarray(0, 4)]).toEqual([0xff, 0xfe, 0x2d, 0x00]);
    const d = expectDraft(await parseFixture('utf16-bom.txt'));
    expect(d.title).toBe('常德智能制造示范工厂揭牌');
    expect(new Date(d.date!).toISOString()).toBe('2022-07-06T23:07:07.000Z');
    expect(d.categories).toEqual(['湖南', '智能制造']);
    expect(d.contentHtml).toBe(
      '<p>常德市首批智能制造示范工厂日前揭牌。</p>\n<p>示范工厂生产效率平均提高30%。</p>',
    );
    expect(d.notes).toEqual([]);
  });

  it('utf16be-bom.txt (big-endian) is decoded exactly', async () => {
    expect([...fixtureBytes('utf16be-bom.txt').subarray(0, 4)]).toEqual([0xfe, 0xff, 0x00, 0x2d]);
    const d = expectDraft(await parseFixture('utf16be-bom.txt'));
    expect(d.title).toBe('永州农产品加工企业接入工业互联网');
    expect(new Date(d.date!).toISOString()).toBe('2022-07-08T00:00:00.000Z');
    expect(d.categories).toEqual(['湖南']);
    expect(d.contentHtml).toBe('<p>永州市首批50家农产品加工企业接入工业互联网平台。</p>');
  });

  it('drops the BOM, so text decoded from UTF-16 matches the same text in UTF-8', () => {
    const text = '---\ntitle: 常德\n---\n正文';
    const le = decodeSeed(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(le).toEqual({ text });
    expect(decodeSeed(Buffer.from(`\uFEFF${text}`, 'utf8'))).toEqual({ text });
  });

  it('rejects UTF-16 that is cut in the middle of a character, or that holds NULs', () => {
    const odd = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('正文', 'utf16le').subarray(0, 3),
    ]);
    expect(decodeSeed(odd)).toEqual({ reason: 'not valid UTF-16LE despite its byte order mark' });
    const nul = Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      Buffer.from([0x00, 0x41, 0x00, 0x00, 0x00, 0x42]),
    ]);
    expect(decodeSeed(nul)).toEqual({ reason: 'binary file: contains NUL characters (utf-16be)' });
  });
});

describe('empty files', () => {
  it('empty.md (0 bytes) is rejected', async () => {
    expect(fixtureBytes('empty.md')).toHaveLength(0);
    expect(await parseFixture('empty.md')).toEqual({ file: 'empty.md', reason: 'file is empty' });
  });

  it('whitespace-only.md is rejected', async () => {
    expect(fixtureBytes('whitespace-only.md').toString('utf8').trim()).toBe('');
    expect(await parseFixture('whitespace-only.md')).toEqual({
      file: 'whitespace-only.md',
      reason: 'file is empty',
    });
  });

  it('a file that is only a BOM, or only markup with no text, is rejected', () => {
    expect(parseSeed('bom-only.md', '\uFEFF')).toEqual({
      file: 'bom-only.md',
      reason: 'file is empty',
    });
    expect(parseSeed('markup.html', '<div><p> </p><script>alert(1)</script></div>')).toEqual({
      file: 'markup.html',
      reason: 'file has no text: the body is empty once markup is removed',
    });
    expect(parseSeed('no-body.md', '---\ntitle: 只有标题\n---\n')).toEqual({
      file: 'no-body.md',
      reason: 'file has no text: the body is empty once markup is removed',
    });
  });
});

describe('a scan of the fixtures', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = (await scanDir(FIXTURES)).catalog;
  });

  it('lists each undecodable or empty file among the rejected, with its reason', () => {
    const reasons = Object.fromEntries(catalog.rejected.map((r) => [r.file, r.reason]));
    expect(reasons['binary.txt']).toBe('binary file: contains a NUL byte at offset 8');
    expect(reasons['invalid-utf8.txt']).toMatch(/^not valid UTF-8 \(at byte 11\)/);
    expect(reasons['empty.md']).toBe('file is empty');
    expect(reasons['whitespace-only.md']).toBe('file is empty');
  });

  it('uses the UTF-16 files', () => {
    expect(articleFrom(catalog, 'utf16-bom.txt').title).toBe('常德智能制造示范工厂揭牌');
    expect(articleFrom(catalog, 'utf16be-bom.txt').title).toBe('永州农产品加工企业接入工业互联网');
  });

  it('never lets mojibake into an article', () => {
    for (const a of catalog.articles) {
      for (const text of [
        a.title,
        summaryOf(a),
        catalog.content.get(a.bodySource) ?? '',
        a.author ?? '',
        ...a.categories,
        ...a.tags,
      ]) {
        expect(text).not.toMatch(/[\uFFFD\u0000\u00c0-\u00ff]/);
      }
      expect(a.title).not.toContain('郴州');
      expect(a.sources).not.toContain('invalid-utf8.txt');
      expect(a.sources).not.toContain('binary.txt');
    }
  });
});
