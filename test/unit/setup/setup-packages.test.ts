// scripts/setup.sh installs `apt_packages` without Recommends and then checks each entry of
// `required_programs`. This proves the list the way the machine sees it: the file each
// program resolves to is owned (dpkg -S) by a package in the dependency closure of
// apt_packages, so a fresh Debian machine gets every program from setup alone.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SETUP = path.join(__dirname, '..', '..', '..', 'scripts', 'setup.sh');

/** The words of a bash array assignment `name=( ... )` in setup.sh, comments dropped. */
function bashArray(script: string, name: string): string[] {
  const match = new RegExp(`^${name}=\\(([^)]*)\\)`, 'm').exec(script);
  if (!match) throw new Error(`setup.sh has no ${name}=( ... ) array`);
  return match[1]
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
}

function run(command: string, args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: result.error ? null : result.status, stdout: result.stdout ?? '' };
}

function onPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * Every path a program goes through: PATH's entry, then each symlink hop (alternatives
 * links are owned by no package, their targets are), each also in its /bin <-> /usr/bin
 * form (merged /usr: dpkg knows /bin/tar, PATH finds /usr/bin/tar).
 */
function pathChain(start: string): string[] {
  const chain: string[] = [];
  let current = start;
  for (let hop = 0; hop < 16 && !chain.includes(current); hop++) {
    chain.push(current);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      break;
    }
    if (!stat.isSymbolicLink()) break;
    current = path.resolve(path.dirname(current), fs.readlinkSync(current));
  }
  const merged = chain.flatMap((p) => {
    const m = /^\/(usr\/)?(s?bin\/.*)$/.exec(p);
    return m ? [p, m[1] ? `/${m[2]}` : `/usr/${m[2]}`] : [p];
  });
  return [...new Set(merged)];
}

/** The packages that own the first path of the chain dpkg knows, without ':arch'. */
function owners(chain: string[]): { file: string; packages: string[] } | null {
  for (const file of chain) {
    const r = run('dpkg', ['-S', file]);
    if (r.status !== 0) continue;
    const line = r.stdout.split('\n').find((l) => l.endsWith(`: ${file}`));
    if (!line) continue;
    const names = line
      .slice(0, -(file.length + 2))
      .split(',')
      .map((p) => p.trim().replace(/:.*$/, ''));
    return { file, packages: names };
  }
  return null;
}

const haveDebianTools = onPath('dpkg') !== null && onPath('apt-cache') !== null;
if (!haveDebianTools) {
  console.warn('setup-packages: skipped: dpkg or apt-cache is absent (not a Debian machine)');
}

describe('scripts/setup.sh lists', () => {
  const script = fs.readFileSync(SETUP, 'utf8');

  it('name packages and program:package pairs', () => {
    const aptPackages = bashArray(script, 'apt_packages');
    const programs = bashArray(script, 'required_programs');
    expect(aptPackages.length).toBeGreaterThan(5);
    expect(programs.length).toBeGreaterThan(5);
    for (const entry of programs) {
      expect(entry).toMatch(/^[\w.+-]+:[\w.+-]+$/);
      // the package setup names for a program must be one setup installs
      expect(aptPackages).toContain(entry.slice(entry.indexOf(':') + 1));
    }
  });
});

(haveDebianTools ? describe : describe.skip)('setup.sh on this Debian machine', () => {
  it('every required program is owned by a package in the closure of apt_packages (no Recommends)', () => {
    const script = fs.readFileSync(SETUP, 'utf8');
    const aptPackages = bashArray(script, 'apt_packages');
    const programs = bashArray(script, 'required_programs').map((e) => e.slice(0, e.indexOf(':')));
    const deps = run('apt-cache', [
      'depends',
      '--recurse',
      '--no-recommends',
      '--no-suggests',
      '--no-conflicts',
      '--no-breaks',
      '--no-replaces',
      '--no-enhances',
      ...aptPackages,
    ]);
    expect(deps.status).toBe(0);
    // --recurse prints each package of the closure once, unindented (virtual ones as <name>)
    const closure = new Set(
      deps.stdout
        .split('\n')
        .filter((l) => l && !l.startsWith(' '))
        .map((l) => l.replace(/^<|>$/g, '').replace(/:.*$/, '')),
    );
    for (const pkg of aptPackages) expect(closure).toContain(pkg);

    const problems: string[] = [];
    for (const program of programs) {
      const found = onPath(program);
      if (!found) {
        problems.push(`${program}: not on PATH (run bash scripts/setup.sh)`);
        continue;
      }
      const chain = pathChain(found);
      const owner = owners(chain);
      if (!owner) {
        problems.push(`${program}: dpkg -S knows none of ${chain.join(', ')}`);
      } else if (!owner.packages.some((p) => closure.has(p))) {
        problems.push(`${program}: ${owner.file} belongs to ${owner.packages.join(', ')}, outside the closure of apt_packages`);
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);
});
