// Output for people (aligned columns) and for machines (JSON).

/**
 * Control characters (C0, DEL and C1: Unicode's Cc) shown escaped so a cell stays on one line.
 * C1 too: U+0085 is a line break (NEL) and U+009B a CSI that terminals act on. And U+2028 and
 * U+2029 (Unicode's line and paragraph separators), which line readers such as Python's
 * splitlines() and many editors break lines at. And the bidirectional embeddings, overrides
 * and isolates (U+202A-U+202E, U+2066-U+2069), with which a name from a package or an update
 * service could show a line in another order than it holds ("Trojan Source",
 * CVE-2021-42574); the marks (U+200E, U+200F, U+061C) stay, as right-to-left text needs them
 * and they cannot reorder a line.
 */
export function printable(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? formatDate(value) : String(value);
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    switch (c) {
      case '\t':
        return '\\t';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      default: {
        const code = c.charCodeAt(0);
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
      }
    }
  });
}

export function formatDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'invalid date' : date.toISOString().replace('.000Z', 'Z');
}

/**
 * Display width: code points (good enough for aligned ASCII-heavy output). Counted without
 * making an array of the characters: a cell may hold a string of hundreds of KiB, once per row.
 */
function width(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}

/**
 * Columns separated by two spaces, padded to the widest cell; numbers right-aligned. In
 * chunks of about 64 KiB: a table's text can be far larger than the package (one long string
 * referenced by every row), more than one JavaScript string can hold.
 */
export function* formatTableChunks(headers: string[], rows: unknown[][], rightAligned: boolean[] = []): Generator<string> {
  // A loop, not Math.max(...cells): spreading 200,000 rows overflows the call stack.
  const widths = headers.map(width);
  for (const row of rows) {
    for (let i = 0; i < headers.length; i++) {
      const w = width(printable(row[i]));
      if (w > widths[i]) widths[i] = w;
    }
  }
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(widths[i] - width(v));
        if (i === values.length - 1 && !rightAligned[i]) return v;
        return rightAligned[i] ? pad + v : v + pad;
      })
      .join('  ')
      // trimEnd, not replace(/\s+$/): the regex is quadratic in a run of spaces inside the line.
      .trimEnd();
  let chunk = `${line(headers)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`;
  for (const row of rows) {
    chunk += `${line(row.map(printable))}\n`;
    if (chunk.length >= 0x10000) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** formatTableChunks as one string, for tables known to be small. */
export function formatTable(headers: string[], rows: unknown[][], rightAligned: boolean[] = []): string {
  return [...formatTableChunks(headers, rows, rightAligned)].join('');
}

/** "label  value" lines with the labels padded to the same width. */
export function formatFields(fields: Array<[string, unknown]>): string {
  const shown = fields.filter(([, v]) => v !== undefined);
  let labelWidth = 0;
  for (const [k] of shown) labelWidth = Math.max(labelWidth, width(k));
  return shown.map(([k, v]) => `${k}${' '.repeat(labelWidth - width(k))}  ${printable(v)}`.trimEnd()).join('\n') + '\n';
}

/** JSON with Dates as ISO strings, Buffers as base64 and bigints as strings. */
export function toJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      function replacer(this: Record<string, unknown>, key, v) {
        const original = this[key];
        if (original instanceof Date) return Number.isNaN(original.getTime()) ? null : original.toISOString();
        if (Buffer.isBuffer(original)) return original.toString('base64');
        if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
        if (typeof v === 'bigint') return v.toString();
        return v;
      },
      2,
    ) + '\n'
  );
}
