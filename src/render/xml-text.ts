/**
 * How a string is written into feed XML, chosen by what readers do with the field it goes to.
 * One rule per kind of field (README, "Security model"):
 *
 * - Plain text with a declared text model (Atom text constructs with `type="text"`, Atom person
 *   names and category attributes, OPML's head title): XML-escaped once — `xmlText`, `xmlAttr`.
 * - HTML (RSS `description`, channel and item; Atom `type="html"`): the text is HTML-escaped, then
 *   written as XML — `htmlTextAsXml` — or put in CDATA as HTML — `cdata`.
 * - Text whose type nobody declared (RSS `title`, `dc:creator`, `category`; OPML `text`/`title`):
 *   `markupSafeText`. RSS 2.0 does not say whether these are text or HTML, and readers differ
 *   (RSS Best Practices Profile, "Character Data"): some show them as text, some render them as
 *   HTML, and the Universal Feed Parser guesses HTML when it sees a close tag or an entity. A text
 *   that reads the same as text and as HTML — no `<`, no `&` that could start a character
 *   reference — is XML-escaped once, so every reader shows it as it is. Any other text is
 *   HTML-escaped before it is written, so that no reader ever finds live markup in it: an HTML
 *   reading (and feedparser's guess, which sees the entities) shows the exact text, a plain-text
 *   reader shows the entities.
 *
 * The second level is written with the hexadecimal reference `&#x26;` (the Profile's advice for
 * `&` in RSS character data): `&#x26;lt;` rather than `&amp;lt;`. Both are the same XML; the W3C
 * feed validator's Profile check accepts the hexadecimal form and warns on the named one
 * (feedvalidator/validators.py, nonhtml).
 */

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const xmlEscape = (c: string) => XML_ESCAPES[c]!;

/** Character data: `&`, `<` and `>` (so that `]]>` never appears) escaped. Also the HTML escape of a text. */
export function xmlText(text: string): string {
  return text.replace(/[&<>]/g, xmlEscape);
}

/**
 * A double-quoted attribute value. Tab, LF and CR as references: attribute-value normalisation
 * (XML 1.0 §3.3.3) would turn the literal characters into spaces.
 */
export function xmlAttr(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, xmlEscape);
}

/** HTML whose text is `text`, as XML character data: `a <b>` → `a &#x26;lt;b&#x26;gt;`. */
export function htmlTextAsXml(text: string): string {
  return xmlText(text).replaceAll('&', '&#x26;');
}

/** Whether an HTML reading of `text` is `text` itself: nothing starts a tag or a character reference. */
export function readsTheSameAsHtml(text: string): boolean {
  return !/<|&[#A-Za-z0-9]/.test(text);
}

/**
 * Text a reader may show as text or render as HTML: no live markup either way (see above).
 * `asIs` writes a text that reads the same both ways (escaped, or as CDATA: the same XML).
 */
export function markupSafeText(text: string, asIs: (text: string) => string = xmlText): string {
  return readsTheSameAsHtml(text) ? asIs(text) : htmlTextAsXml(text);
}

/** `markupSafeText` for a double-quoted attribute value (OPML `text` and `title`). */
export function markupSafeAttr(text: string): string {
  // xmlAttr escapes the HTML level's `&` as `&amp;`; its own references (`&quot;`, `&#10;`) stay.
  return readsTheSameAsHtml(text)
    ? xmlAttr(text)
    : xmlAttr(xmlText(text)).replaceAll('&amp;', '&#x26;');
}

/**
 * A CDATA section holding `text` exactly: each `]]>` is split across two sections
 * (`]]]]><![CDATA[>`), the only way to carry it (XML 1.0 §2.7).
 */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
