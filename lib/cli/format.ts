// Output for people (aligned columns) and for machines (JSON).

/** Control characters shown escaped so a cell stays on one line. */
export function printable(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? formatDate(value) : String(value);
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\t':
        return '\\t';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

export function formatDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'invalid date' : date.toISOString().replace('.000Z', 'Z');
}

/** Display width: code points (good enough for aligned ASCII-heavy output). */
function width(text: string): number {
  return [...text].length;
}

/** Columns separated by two spaces, padded to the widest cell; numbers right-aligned. */
export function formatTable(headers: string[], rows: unknown[][], rightAligned: boolean[] = []): string {
  const cells = rows.map((row) => row.map(printable));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ''))));
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(widths[i] - width(v));
        if (i === values.length - 1 && !rightAligned[i]) return v;
        return rightAligned[i] ? pad + v : v + pad;
      })
      .join('  ')
      .replace(/\s+$/, '');
  const out = [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  return out.join('\n') + '\n';
}

/** "label  value" lines with the labels padded to the same width. */
export function formatFields(fields: Array<[string, unknown]>): string {
  const shown = fields.filter(([, v]) => v !== undefined);
  const labelWidth = Math.max(0, ...shown.map(([k]) => width(k)));
  return shown.map(([k, v]) => `${k}${' '.repeat(labelWidth - width(k))}  ${printable(v)}`.replace(/\s+$/, '')).join('\n') + '\n';
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
