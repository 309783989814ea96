/**
 * render/xml-text.ts: each writer, parsed back by a strict XML parser (saxes) and, for the fields
 * a reader may render as HTML, by an HTML parser — for any text made of the characters that matter.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { load } from 'cheerio';
import { SaxesParser } from 'saxes';
import {
  cdata,
  htmlTextAsXml,
  markupSafeAttr,
  markupSafeText,
  readsTheSameAsHtml,
  xmlAttr,
  xmlText,
} from '../../src/render/xml-text.js';

/** The text content and the attributes of `<t …>…</t>`, as a strict XML parser reads them. */
function readXml(document: string): { text: string; attrs: Record<string, string> } {
  const parser = new SaxesParser();
  let text = '';
  let attrs: Record<string, string> = {};
  parser.on('opentag', (tag) => (attrs = tag.attributes as Record<string, string>));
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(document).close();
  return { text, attrs };
}

const asElement = (content: string) => readXml(`<t>${content}</t>`).text;
const asAttr = (value: string) => readXml(`<t a="${value}"/>`).attrs.a!;
const shownAsHtml = (text: string) => load(text, null, false).root().text();
const elements = (text: string) => load(text, null, false)('*').length;

/** Texts made of what XML and HTML give meaning to, and a few ordinary characters. */
const hostile = fc.string({
  unit: fc.constantFrom(
    '<',
    '>',
    '&',
    ';',
    '#',
    'x',
    '3',
    'C',
    'a',
    'b',
    'm',
    'p',
    'l',
    't',
    '/',
    ']',
    '"',
    "'",
    ' ',
    '\n',
    '\t',
    'é',
    '—',
  ),
});

describe('writers', () => {
  it('xmlText and cdata carry any text exactly; cdata splits every ]]>', () => {
    expect(cdata('a ]]> b ]]> c')).toBe('<![CDATA[a ]]]]><![CDATA[> b ]]]]><![CDATA[> c]]>');
    fc.assert(
      fc.property(hostile, (text) => {
        expect(asElement(xmlText(text))).toBe(text);
        expect(asElement(cdata(text))).toBe(text);
      }),
    );
  });

  it('xmlAttr keeps tabs and newlines, which attribute-value normalisation would turn into spaces', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(asAttr(xmlAttr(text))).toBe(text);
      }),
    );
  });

  it('htmlTextAsXml: the XML text is HTML that shows the text and holds no element; & goes as &#x26;', () => {
    expect(htmlTextAsXml('a <b> & c')).toBe('a &#x26;lt;b&#x26;gt; &#x26;amp; c');
    fc.assert(
      fc.property(hostile, (text) => {
        const html = asElement(htmlTextAsXml(text));
        expect(elements(html)).toBe(0);
        expect(shownAsHtml(html)).toBe(text);
      }),
    );
  });

  it('markupSafeText and markupSafeAttr: a text reading and an HTML reading agree, and no element is live', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        for (const read of [
          asElement(markupSafeText(text)),
          asElement(markupSafeText(text, cdata)),
          asAttr(markupSafeAttr(text)),
        ]) {
          expect(elements(read)).toBe(0);
          expect(shownAsHtml(read)).toBe(text);
          // A text that reads the same either way arrives untouched: plain-text readers show it as it is.
          if (readsTheSameAsHtml(text)) expect(read).toBe(text);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('readsTheSameAsHtml: only < and an & that may start a character reference make a difference', () => {
    expect(readsTheSameAsHtml('Tom & Jerry -> 3 > 2 ]]>')).toBe(true);
    expect(readsTheSameAsHtml('a <b')).toBe(false);
    expect(readsTheSameAsHtml('AT&T')).toBe(false);
    expect(readsTheSameAsHtml('&#60;')).toBe(false);
    expect(readsTheSameAsHtml('a &amp; b')).toBe(false);
  });
});
