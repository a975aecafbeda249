// lib/index.ts is the package's public surface: it names each export (no `export *`) and
// exports exactly what README.md and the docs/ pages it links document.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as publicApi from '../../../lib/index';

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

const readme = read('README.md');
const linkedDocs = [...new Set([...readme.matchAll(/\]\((docs\/[\w.-]+\.md)(#[\w-]*)?\)/g)].map((m) => m[1]))];
const documentation = [readme, ...linkedDocs.map(read)].join('\n');

/** Identifiers written in code spans, e.g. `getProductInfo(productCode, ...)` gives getProductInfo. */
function codeIdentifiers(text: string): Set<string> {
  const names = new Set<string>();
  for (const span of text.matchAll(/`([^`\n]+)`/g)) {
    for (const id of span[1].matchAll(/(?<![.\w])([A-Za-z_$][\w$]*)/g)) names.add(id[1]);
  }
  return names;
}

describe('lib/index.ts', () => {
  it('names every export (no export *)', () => {
    expect(read('lib/index.ts')).not.toMatch(/export\s+(type\s+)?\*/);
  });

  it('links README to the docs pages it documents the API in', () => {
    expect(linkedDocs).toEqual(expect.arrayContaining(['docs/lua-patching.md', 'docs/package-reader.md', 'docs/wua.md']));
  });

  it('exports only names the documentation writes in code', () => {
    const documented = codeIdentifiers(documentation);
    const undocumented = Object.keys(publicApi).filter((name) => !documented.has(name));
    expect(undocumented).toEqual([]);
  });

  it("exports every function README's API reference lists", () => {
    // each entry is a bullet that starts with the call: - `getProductInfo(productCode, ...)`
    const reference = readme.slice(readme.indexOf('## API reference'));
    const called = new Set([...reference.matchAll(/^- `([a-z][\w$]*)\(/gm)].map((m) => m[1]));
    expect(called.size).toBeGreaterThan(10);
    const missing = [...called].filter((name) => !(name in publicApi));
    expect(missing).toEqual([]);
  });

  it("names every export, types included, in README's API reference", () => {
    const start = readme.indexOf('## API reference');
    // A code span there may wrap onto the next line (`patchTransformsFor(patch,\n{ productCode })`).
    const reference = codeIdentifiers(readme.slice(start, readme.indexOf('\n## ', start + 1)).replace(/\n/g, ' '));
    const exported = [...read('lib/index.ts').matchAll(/^export (?:type )?\{([^}]*)\}/gm)].flatMap((m) =>
      m[1]
        .split(',')
        .map(
          (name) =>
            name
              .trim()
              .split(/\s+as\s+/)
              .pop() as string,
        )
        .filter(Boolean),
    );
    expect(exported.length).toBeGreaterThan(100);
    expect(exported.filter((name) => !reference.has(name))).toEqual([]);
  });

  it('names an unexported function or class of lib/ only as internal', () => {
    const libFiles = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? libFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const internal = new Set<string>();
    for (const file of libFiles(path.join(ROOT, 'lib'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/^export (?:async )?(?:function\*?|class) ([A-Za-z_$][\w$]*)/gm)) {
        if (!(m[1] in publicApi)) internal.add(m[1]);
      }
    }
    expect(internal).toContain('runCli');
    // Each paragraph of README and the linked pages that names one (a call in a code span, or
    // a camel-case name alone in one: a plain word such as `fail` is a value) says it is internal.
    const unmarked = documentation
      .split(/\n\s*\n/)
      .filter((paragraph) => !/internal/i.test(paragraph))
      .flatMap((paragraph) => [...paragraph.matchAll(/`([A-Za-z_$][\w$]*)(\(|`)/g)])
      .filter((m) => m[2] === '(' || /[A-Z]/.test(m[1]))
      .map((m) => m[1])
      .filter((name) => internal.has(name));
    expect(unmarked).toEqual([]);
  });

  it('keeps the reader internals out', () => {
    for (const internal of ['inspectStructure', 'openCompoundFile', 'StringPool', 'interactiveRefusal', 'setNativeBinding']) {
      expect(publicApi).not.toHaveProperty(internal);
    }
  });
});
