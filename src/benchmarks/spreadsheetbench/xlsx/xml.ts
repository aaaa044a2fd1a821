/**
 * Just enough XML for the parts of an .xlsx the grader reads: element tags found by regular
 * expressions (any namespace prefix), attributes, and text with its entities decoded. The parts
 * are machine-written, so comments are the only construct that needs removing first.
 */

/** A part's bytes as text: UTF-8, or UTF-16 when it starts with a UTF-16 byte order mark. */
export function xmlText(bytes: Buffer): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = bytes.subarray(2).toString("utf16le");
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    text = swapped.toString("utf16le");
  } else text = bytes.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // An XML parser reads every line break (CR LF, or CR alone) as LF; &#13; stays a CR.
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  return text.includes("<!--") ? text.replace(/<!--[\s\S]*?-->/g, "") : text;
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The attributes of a start tag's attribute text, by qualified name (`r`, `r:id`, `xml:space`). */
export function attributes(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(ATTRIBUTE)) {
    found.set(match[1] as string, attributeValue(match[2] ?? match[3] ?? ""));
  }
  return found;
}

/** One attribute, without building the whole map (the hot path: a cell's r, t and s). */
export function attribute(text: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = text.indexOf(name, from);
    if (at < 0) return undefined;
    from = at + name.length;
    const before = text.charCodeAt(at - 1);
    // Only a whole name: preceded by whitespace (not part of a longer name or a prefix).
    if (at > 0 && before !== 0x20 && before !== 0x09 && before !== 0x0a && before !== 0x0d) continue;
    let i = from;
    while (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r") i++;
    if (text[i] !== "=") continue;
    i++;
    while (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r") i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") continue;
    const end = text.indexOf(quote, i + 1);
    if (end < 0) return undefined;
    return attributeValue(text.slice(i + 1, end));
  }
}

/** An attribute's value as an XML parser gives it: literal tabs and line breaks become spaces. */
function attributeValue(raw: string): string {
  return decodeEntities(/[\t\n]/.test(raw) ? raw.replace(/[\t\n]/g, " ") : raw);
}

const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (_match, decimal: string, hex: string, name: string) => {
    if (name !== undefined) return NAMED[name] ?? "";
    return String.fromCodePoint(Number.parseInt(decimal ?? hex, decimal !== undefined ? 10 : 16));
  });
}

/** The text content of an element's inner XML: CDATA kept, tags dropped, entities decoded. */
export function innerText(inner: string): string {
  if (!inner.includes("<")) return decodeEntities(inner);
  let out = "";
  let at = 0;
  while (at < inner.length) {
    const lt = inner.indexOf("<", at);
    if (lt < 0) {
      out += decodeEntities(inner.slice(at));
      break;
    }
    out += decodeEntities(inner.slice(at, lt));
    if (inner.startsWith("<![CDATA[", lt)) {
      const end = inner.indexOf("]]>", lt);
      out += inner.slice(lt + 9, end < 0 ? inner.length : end);
      at = end < 0 ? inner.length : end + 3;
    } else {
      const gt = inner.indexOf(">", lt);
      at = gt < 0 ? inner.length : gt + 1;
    }
  }
  return out;
}

/** A pattern for elements named `local` with any (or no) namespace prefix. */
export function elementPattern(local: string): string {
  return `<(?:[A-Za-z_][\\w.-]*:)?${local}\\b`;
}
