/** The xmllint helper: both the machine's xmllint (where there is one) and xmllint-wasm give the same verdicts. */
import { describe, expect, it } from 'vitest';
import { systemTool } from './system-tools.js';
import { xmllint, xmllintSource } from './xmllint.js';

const GOOD =
  '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>a &amp; b</title></channel></rss>';
const GOOD_BYTES = new TextEncoder().encode(
  '<?xml version="1.0" encoding="UTF-8"?><feed><title>数字化 ]]&gt;</title></feed>',
);

describe.each([
  ['xmllint-wasm', 'wasm' as const, true],
  ["the machine's xmllint", 'system' as const, systemTool('xmllint') !== undefined],
])('%s', (_, using, available) => {
  it.runIf(available)(
    'accepts well-formed documents, one or several, text or bytes, with nothing on stderr',
    async () => {
      expect(await xmllint(GOOD, using)).toEqual({ code: 0, stderr: '' });
      expect(await xmllint(GOOD_BYTES, using)).toEqual({ code: 0, stderr: '' });
      const docs = [
        { name: '/rss.xml', contents: GOOD },
        { name: '/categories/新媒体/atom.xml', contents: GOOD_BYTES },
      ];
      expect(await xmllint(docs, using)).toEqual({ code: 0, stderr: '' });
    },
  );

  it.runIf(available)(
    'rejects a document that is not well-formed, and names it among several',
    async () => {
      const single = await xmllint('<rss><title>a & b</title></rss>', using);
      expect(single.code).not.toBe(0);
      expect(single.stderr).toMatch(/xmlParseEntityRef/);
      expect((await xmllint('<a>\u0001</a>', using)).code).not.toBe(0);
      expect((await xmllint('<a><b></a>', using)).code).not.toBe(0);
      const several = await xmllint(
        [
          { name: '/rss.xml', contents: GOOD },
          { name: '/tags/x/atom.xml', contents: '<feed><title>x</feed>' },
          { name: '/opml.xml', contents: GOOD },
        ],
        using,
      );
      expect(several.code).not.toBe(0);
      expect(several.stderr).toContain('0001_tags_x_atom.xml');
      expect(several.stderr).not.toContain('0000_rss.xml');
      expect(several.stderr).not.toContain('0002_opml.xml');
    },
  );
});

it("uses the machine's xmllint where there is one, else xmllint-wasm (SEEDFEED_TEST_NO_SYSTEM_TOOLS=1 hides it)", () => {
  expect(xmllintSource()).toBe(systemTool('xmllint') ? 'system' : 'wasm');
  if (process.env.SEEDFEED_TEST_NO_SYSTEM_TOOLS === '1') expect(xmllintSource()).toBe('wasm');
});
