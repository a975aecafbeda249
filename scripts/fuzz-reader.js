#!/usr/bin/env node
'use strict';
// Fuzzes the package reader with mutated fixture bytes. Every case must end
// in one of two ways: the package reads in full, or an MsiFormatError. Any
// other error, or a case slower than the time limit, is a failure.
//
// Three kinds of damage: structure-aware (header fields, DIFAT, FAT and mini
// FAT entries, directory entry fields set to values aimed at the checks;
// share set with --structure-share, 0.5 by default), to the file bytes
// (biased towards the compound file header, FAT, mini FAT and directory,
// plus random bytes and truncation),
// and to the content of one MSI stream (string pool, catalog, a table, the
// summary, the signature) under an intact container.
//
// The unit suite runs a few hundred cases (test/unit/package/fuzz.test.ts);
// this script runs as many as asked, against dist/ (build with
// `npm run build` first):
//
//   node scripts/fuzz-reader.js [--cases N] [--seed S] [--time-limit MS]
//     [--structure-share 0..1] [--differential] [file ...]
//
// --differential also opens every mutated file that readPackage was given
// with openPackage, from its bytes and from a path (the asynchronous open:
// structures parsed in slices, the read-ahead and the reads past it), and
// counts a case whose outcome differs (other tables, or another error) as
// a failure. It runs in chunks of 1,000 cases (seeds S, S+1, ...), so that
// no more than one chunk's files are held at once. Every table of a file
// that reads is also read with readTableAsync and exportIdtAsync, which
// must give the same rows, bytes or error as readTable and exportIdt. A
// mutated patch that reads is applied to each base among the files, and a
// mutated base gets each patch among them, with applyPatches and with
// applyPatchesAsync (the mutated file from a path): the same tables, conflicts and
// applied patches, or the same error.
//
// Without files it uses the packages the unit tests built and cached under
// .cache/fixtures/package/.

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Small fast seeded PRNG (mulberry32). */
function makeRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x8000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0xfffffffd, 0xfffffffc];

/** Byte offsets of the compound file structures worth hitting. */
function structuralOffsets(bytes, lib) {
  const offsets = [];
  for (let i = 24; i < 512; i += 2) offsets.push(i);
  let inspection;
  try {
    inspection = lib.inspectStructure(bytes);
  } catch {
    return offsets;
  }
  const { layout, entries } = inspection;
  for (const entry of entries.values()) {
    for (const field of [64, 66, 68, 72, 76, 116, 120]) offsets.push(entry.offset + field);
  }
  for (const fatSector of layout.fatSectors.slice(0, 64)) {
    const base = (fatSector + 1) * layout.sectorSize;
    for (let i = 0; i < layout.sectorSize; i += 4) offsets.push(base + i);
  }
  return offsets.filter((o) => o + 4 <= bytes.length);
}

/**
 * What the structure-aware mutator needs to know of a file: where each
 * field of the header, the FAT, the mini FAT and the directory entries is.
 */
function structureMap(bytes, lib) {
  let inspection;
  try {
    inspection = lib.inspectStructure(bytes);
  } catch {
    return null;
  }
  const { layout, entries } = inspection;
  const sectorSize = layout.sectorSize;
  const at = (sector) => (sector + 1) * sectorSize;
  const fatEntries = [];
  layout.fatSectors.forEach((fatSector, k) => {
    for (let i = 0; i < sectorSize / 4; i++) {
      const sector = k * (sectorSize / 4) + i;
      if (sector >= layout.sectorCount) break;
      fatEntries.push({ sector, offset: at(fatSector) + i * 4 });
    }
  });
  const miniFatOffsets = [];
  const miniFatStart = bytes.readUInt32LE(60);
  if (miniFatStart < layout.sectorCount) {
    for (let i = 0; i < sectorSize / 4; i++) miniFatOffsets.push(at(miniFatStart) + i * 4);
  }
  // Every directory slot, used or not, from the directory's first sector.
  const directorySlots = [];
  const directoryStart = bytes.readUInt32LE(48);
  for (const entry of entries.values()) directorySlots.push(entry.offset);
  for (let i = 0; i < sectorSize / 128; i++) directorySlots.push(at(directoryStart) + i * 128);
  return {
    sectorSize,
    sectorCount: layout.sectorCount,
    entryCount: entries.size,
    fatEntries,
    miniFatOffsets,
    directorySlots,
    fileLength: bytes.length,
  };
}

const HEADER_FIELDS = [
  [24, 2],
  [26, 2],
  [28, 2],
  [30, 2],
  [32, 2],
  [34, 2],
  [40, 4],
  [44, 4],
  [48, 4],
  [52, 4],
  [56, 4],
  [60, 4],
  [64, 4],
  [68, 4],
  [72, 4],
];
const SPECIAL_SECTORS = [0xffffffff, 0xfffffffe, 0xfffffffd, 0xfffffffc, 0xfffffffb, 0xfffffffa];

/** A sector number a structure might plausibly (or not) hold. */
function sectorValue(random, map, current) {
  switch (random.int(7)) {
    case 0:
      return random.pick(SPECIAL_SECTORS);
    case 1:
      return current + 1;
    case 2:
      return current;
    case 3:
      return map.sectorCount + random.int(3) - 1;
    case 4:
      return random.int(map.sectorCount);
    case 5:
      return random.pick(INTERESTING);
    default:
      return Math.max(0, current - 1 - random.int(4));
  }
}

/**
 * Structure-aware damage: header fields, DIFAT entries of the header, FAT
 * and mini FAT entries, directory entry fields (type, links, start, size,
 * name length), each set to values chosen to hit the checks (special sector
 * markers, off-by-one sectors, self links, sizes around the file's).
 */
function mutateStructure(bytes, random, map) {
  const out = Buffer.from(bytes);
  const count = 1 + random.int(3);
  for (let i = 0; i < count; i++) {
    const kind = random.int(6);
    if (kind === 0) {
      const [offset, width] = random.pick(HEADER_FIELDS);
      const value = random.next() < 0.5 ? random.pick(INTERESTING) : sectorValue(random, map, out.readUInt32LE(offset & ~3));
      if (width === 2) out.writeUInt16LE(value & 0xffff, offset);
      else out.writeUInt32LE(value >>> 0, offset);
    } else if (kind === 1) {
      const slot = random.int(109);
      out.writeUInt32LE(sectorValue(random, map, out.readUInt32LE(76 + slot * 4)) >>> 0, 76 + slot * 4);
    } else if (kind === 2 && map.fatEntries.length > 0) {
      const { sector, offset } = random.pick(map.fatEntries);
      out.writeUInt32LE(sectorValue(random, map, sector) >>> 0, offset);
    } else if (kind === 3 && map.miniFatOffsets.length > 0) {
      const offset = random.pick(map.miniFatOffsets);
      out.writeUInt32LE(sectorValue(random, { sectorCount: 64 }, out.readUInt32LE(offset)) >>> 0, offset);
    } else {
      const base = random.pick(map.directorySlots);
      if (base + 128 > out.length) continue;
      const field = random.int(6);
      if (field === 0) out[base + 66] = random.pick([0, 1, 2, 3, 4, 5, 6, 0xff]);
      else if (field === 1) {
        const link = random.pick([68, 72, 76]);
        const value = random.next() < 0.3 ? 0xffffffff : random.int(map.entryCount + 4);
        out.writeUInt32LE(value >>> 0, base + link);
      } else if (field === 2) out.writeUInt32LE(sectorValue(random, map, out.readUInt32LE(base + 116)) >>> 0, base + 116);
      else if (field === 3) {
        const size = random.pick([
          0,
          1,
          63,
          64,
          4095,
          4096,
          4097,
          map.fileLength - 1,
          map.fileLength,
          map.fileLength + 1,
          map.fileLength * 2,
          0x7fffffff,
          0xffffffff,
        ]);
        out.writeUInt32LE(size >>> 0, base + 120);
        if (random.next() < 0.2) out.writeUInt32LE(random.pick([0, 1, 0xffffffff]), base + 124);
      } else if (field === 4) out.writeUInt16LE(random.pick([0, 1, 2, 3, 62, 64, 66, 0xffff]), base + 64);
      else out.fill(random.pick([0, 0xff]), base, base + 128);
    }
  }
  if (random.next() < 0.1) return out.subarray(0, Math.max(0, out.length - 1 - random.int(map.sectorSize * 4)));
  return out;
}

/** Damages the file bytes; returns a new buffer. */
function mutateBytes(bytes, random, offsets) {
  let out = Buffer.from(bytes);
  const count = 1 + random.int(4);
  for (let i = 0; i < count && out.length > 0; i++) {
    const kind = random.int(10);
    if (kind <= 4 && offsets.length > 0) {
      const at = random.pick(offsets);
      const value = random.next() < 0.7 ? random.pick(INTERESTING) : random.int(Math.ceil(out.length / 512) + 8);
      if (at + 4 <= out.length) out.writeUInt32LE(value >>> 0, at);
    } else if (kind <= 6) {
      out[random.int(out.length)] = random.int(256);
    } else if (kind === 7) {
      const at = random.int(out.length);
      out[at] ^= 1 << random.int(8);
    } else if (kind === 8 && offsets.length > 1) {
      // Copy a stretch of structure over another (e.g. a directory entry).
      const from = random.pick(offsets);
      const to = random.pick(offsets);
      const length = Math.min(128, out.length - Math.max(from, to));
      // (length <= 0 when a truncation came first: nothing to copy)
      if (length > 0) out.copy(out, to, from, from + length);
    } else {
      out = out.subarray(0, random.int(out.length));
    }
  }
  return out;
}

/** Damages one stream's content. */
function mutateContent(content, random) {
  let out = Buffer.from(content);
  const count = 1 + random.int(4);
  for (let i = 0; i < count && out.length > 0; i++) {
    const kind = random.int(6);
    const at = random.int(out.length);
    if (kind <= 1) out[at] = random.int(256);
    else if (kind === 2 && at + 4 <= out.length) out.writeUInt32LE(random.pick(INTERESTING) >>> 0, at);
    else if (kind === 3 && at + 2 <= out.length) out.writeUInt16LE(random.pick(INTERESTING) & 0xffff, at);
    else if (kind === 4) out = out.subarray(0, at);
    else out = Buffer.concat([out, Buffer.alloc(1 + random.int(8), random.int(256))]);
  }
  return out;
}

/** Reads everything a package offers, so lazily-read damage surfaces too. */
function readEverything(pkg) {
  for (const name of ['_SummaryInformation', '_ForceCodepage', '_Tables', '_Columns', ...pkg.tableNames]) {
    pkg.exportIdt(name);
    if (name !== '_SummaryInformation' && name !== '_ForceCodepage') pkg.table(name).rows();
  }
  for (const s of pkg.streams) pkg.readStream(s.name);
  for (const s of pkg.storages) void pkg.openStorage(s.name).summary;
  pkg.verifySignature();
  void pkg.patch;
  void pkg.summary;
}

/**
 * Runs `cases` fuzz cases over `files` (paths). `lib` is the package module
 * (lib/package or dist/package), `isFormatError` tells typed errors apart.
 */
function runFuzz({ files, cases, seed, lib, isFormatError, timeLimitMs = 2000, onCase, structureShare = 0 }) {
  const random = makeRandom(seed);
  const inputs = files.map((file) => {
    const bytes = fs.readFileSync(file);
    return { file, bytes, offsets: structuralOffsets(bytes, lib), map: structureMap(bytes, lib) };
  });
  const result = {
    cases: 0,
    accepted: 0,
    rejected: 0,
    failures: [],
    slowestMs: 0,
    slowestCase: '',
    rejectedBy: {},
    byKind: { bytes: 0, content: 0, structure: 0 },
  };
  for (let i = 0; i < cases; i++) {
    const input = inputs[random.int(inputs.length)];
    const caseSeed = random.int(0x7fffffff);
    const caseRandom = makeRandom(caseSeed);
    const structureLevel = input.map !== null && caseRandom.next() < structureShare;
    const contentLevel = !structureLevel && caseRandom.next() < 0.35;
    const kind = structureLevel ? 'structure' : contentLevel ? 'content' : 'bytes';
    result.byKind[kind]++;
    const started = process.hrtime.bigint();
    let description = `${path.basename(input.file)} seed ${caseSeed} ${kind}`;
    try {
      let pkg;
      if (contentLevel) {
        const compound = lib.openCompoundFile(input.bytes);
        const streams = [];
        const stack = [compound.root];
        while (stack.length > 0) {
          const storage = stack.pop();
          for (const child of compound.childrenOf(storage)) {
            if (child.type === 'stream' && child.size > 0) streams.push(child);
            else if (child.type === 'storage') stack.push(child);
          }
        }
        const target = caseRandom.pick(streams);
        const damaged = mutateContent(compound.streamData(target), caseRandom);
        description += ` stream ${JSON.stringify(lib.decodeStreamName(target.name).name)}`;
        const wrapped = Object.create(compound);
        wrapped.streamData = (entry) => (entry.id === target.id ? damaged : compound.streamData(entry));
        pkg = new lib.MsiPackage(wrapped);
      } else if (structureLevel) {
        pkg = lib.readPackage(mutateStructure(input.bytes, caseRandom, input.map));
      } else {
        pkg = lib.readPackage(mutateBytes(input.bytes, caseRandom, input.offsets));
      }
      readEverything(pkg);
      result.accepted++;
    } catch (error) {
      if (isFormatError(error)) {
        result.rejected++;
        const where = error.where ?? 'unknown';
        result.rejectedBy[where] = (result.rejectedBy[where] ?? 0) + 1;
      } else {
        result.failures.push({ case: i, description, error: (error && error.stack) || String(error) });
      }
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (ms > result.slowestMs) {
      result.slowestMs = ms;
      result.slowestCase = description;
    }
    if (ms > timeLimitMs) result.failures.push({ case: i, description, error: `took ${ms.toFixed(0)} ms (limit ${timeLimitMs} ms)` });
    result.cases++;
    if (onCase) onCase(i, result);
  }
  return result;
}

function findCachedFixtures(root) {
  const dir = path.join(root, '.cache', 'fixtures', 'package');
  if (!fs.existsSync(dir)) return [];
  const found = [];
  for (const sub of fs.readdirSync(dir)) {
    if (sub.startsWith('.') || sub.startsWith('large')) continue; // the large one is slow to mutate-and-read
    for (const name of fs.readdirSync(path.join(dir, sub))) {
      if (/\.(msi|msp)$/.test(name)) found.push(path.join(dir, sub, name));
    }
  }
  return found;
}

/** What opening a package came to: its tables, or the error's name and message. */
function outcomeOf(run) {
  try {
    return `ok ${run().tableNames.join(',')}`;
  } catch (error) {
    return `${error.name}: ${error.message}`;
  }
}

/** outcomeOf for an asynchronous open. */
function settledOutcome(opening) {
  return opening.then(
    (pkg) => `ok ${pkg.tableNames.join(',')}`,
    (error) => `${error.name}: ${error.message}`,
  );
}

/**
 * Opens `bytes` three ways: readPackage, openPackage of the bytes, and
 * openPackage of `file` after writing them there; returns the three
 * outcomes (see outcomeOf), which must be the same.
 */
async function openOutcomes(lib, bytes, file) {
  const read = outcomeOf(() => lib.readPackage(bytes));
  const fromBytes = await settledOutcome(lib.openPackage(bytes));
  fs.writeFileSync(file, bytes);
  const fromPath = await settledOutcome(lib.openPackage(file));
  return { read, fromBytes, fromPath };
}

/** A table's rows or IDT bytes as a short digest, or the error's name and message. */
function digestOutcome(run) {
  try {
    const value = run();
    const text = Buffer.isBuffer(value) ? value : JSON.stringify(value);
    return `ok ${crypto.createHash('sha256').update(text).digest('hex')}`;
  } catch (error) {
    return `${error.name}: ${error.message}`;
  }
}

/** digestOutcome for a promise; a promise still pending after `limitMs` is a failure, not a hang. */
function settledDigest(promise, limitMs) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve(`still pending after ${limitMs} ms`), limitMs);
  });
  const settled = promise.then(
    (value) => digestOutcome(() => value),
    (error) => `${error.name}: ${error.message}`,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

/**
 * Every table of a file that reads, read both ways: readTable and exportIdt
 * of a package from readPackage(bytes), readTableAsync of one opened from
 * `file` (node:fs callback reads) and exportIdtAsync of one opened from the
 * bytes (in slices). Returns the disagreements, the count of tables compared
 * and the slowest asynchronous table (ms).
 */
async function tableOutcomes(lib, bytes, file, limitMs) {
  const sync = lib.readPackage(bytes);
  const [fromPath, fromBytes] = await Promise.all([lib.openPackage(file), lib.openPackage(bytes)]);
  const names = ['_Tables', '_Columns', ...sync.tableNames];
  const differences = [];
  let slowestMs = 0;
  for (const name of names) {
    for (const [how, syncRun, asyncRun] of [
      ['readTable', () => sync.readTable(name), () => fromPath.readTableAsync(name)],
      ['exportIdt', () => sync.exportIdt(name), () => fromBytes.exportIdtAsync(name)],
    ]) {
      const expected = digestOutcome(syncRun);
      const started = process.hrtime.bigint();
      const got = await settledDigest(asyncRun(), limitMs);
      slowestMs = Math.max(slowestMs, Number(process.hrtime.bigint() - started) / 1e6);
      if (got !== expected) differences.push(`${how}(${name}): ${expected}\n${how}Async(${name}): ${got}`);
    }
  }
  return { differences, compared: names.length, slowestMs };
}

/** What a TransformedDatabase holds, as JSON: every table's rows, the conflicts and what each patch applied. */
function databaseView(lib, db) {
  const names = ['_Tables', '_Columns', ...db.tableNames];
  const storageName = (key, value) => (value instanceof lib.MsiStorage ? `storage ${value.name}` : value);
  return JSON.parse(
    JSON.stringify({ tables: names.map((name) => [name, db.rows(name)]), conflicts: db.conflicts, patches: db.patches }, storageName),
  );
}

/**
 * The input files sorted for applyOutcomes: installation packages (bases) and patches, with
 * their bytes (unmutated).
 */
function applyOriginals(lib, files) {
  const bases = [];
  const patches = [];
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    let pkg;
    try {
      pkg = lib.readPackage(bytes);
    } catch {
      continue;
    }
    if (pkg.kind === 'patch') patches.push({ name: path.basename(file), bytes });
    else if (pkg.kind === 'installer') bases.push({ name: path.basename(file), bytes });
  }
  return { bases, patches };
}

/**
 * A mutated file that reads, applied both ways: a patch to each original base, a base with
 * each original patch applied. applyPatches on packages from readPackage against
 * applyPatchesAsync on packages from openPackage (the mutated file from `file`: a base's tables,
 * a patch's summaries, tables and transform streams read ahead with callback reads). Returns the disagreements and the count of applies compared.
 */
async function applyOutcomes(lib, bytes, file, originals, limitMs) {
  const mutated = lib.readPackage(bytes);
  // By the root's class: the patch getter itself may throw on a damaged file (applyPatches must then fail alike).
  const pairs =
    mutated.kind === 'patch'
      ? originals.bases.map((base) => ({
          label: `applied to ${base.name}`,
          sync: () => lib.applyPatches(lib.readPackage(base.bytes), [mutated]),
          async: async () => lib.applyPatchesAsync(await lib.openPackage(base.bytes), [await lib.openPackage(file)]),
        }))
      : originals.patches.map((patch) => ({
          label: `with ${patch.name} applied`,
          sync: () => lib.applyPatches(mutated, [lib.readPackage(patch.bytes)]),
          async: async () => lib.applyPatchesAsync(await lib.openPackage(file), [await lib.openPackage(patch.bytes)]),
        }));
  const differences = [];
  for (const pair of pairs) {
    const expected = digestOutcome(() => databaseView(lib, pair.sync()));
    const got = await settledDigest(
      pair.async().then((db) => databaseView(lib, db)),
      limitMs,
    );
    if (got !== expected) differences.push(`applyPatches, ${pair.label}: ${expected}\napplyPatchesAsync: ${got}`);
  }
  return { differences, compared: pairs.length };
}

/**
 * runFuzz with every file handed to readPackage also opened with
 * openPackage from its bytes and from `file` (a scratch path; openOutcomes).
 * Returns the fuzz result with each disagreement added to its failures, and
 * `compared` (files opened three ways), `sizes` (smallest and largest of
 * them, bytes) and `outcomes` (how many of them readPackage read, and how
 * many it refused). Every table of a file that reads is also read with
 * readTableAsync and exportIdtAsync (tableOutcomes): `tables` counts them,
 * `slowestAsyncMs` is the slowest, and a disagreement is a failure.
 */
async function runDifferential({ lib, file, ...fuzzOptions }) {
  const originals = applyOriginals(lib, fuzzOptions.files);
  const seen = [];
  const recording = {
    ...lib,
    readPackage(bytes) {
      seen.push(Buffer.from(bytes));
      return lib.readPackage(bytes);
    },
  };
  const result = runFuzz({ ...fuzzOptions, lib: recording });
  result.compared = 0;
  result.sizes = { min: Infinity, max: 0 };
  result.outcomes = { read: 0, refused: 0 };
  result.tables = 0;
  result.slowestAsyncMs = 0;
  result.applies = 0;
  for (const [i, bytes] of seen.entries()) {
    const { read, fromBytes, fromPath } = await openOutcomes(lib, bytes, file);
    if (read.startsWith('ok ') && fromPath === read && fromBytes === read) {
      const tables = await tableOutcomes(lib, bytes, file, 10 * (fuzzOptions.timeLimitMs ?? 2000));
      result.tables += tables.compared;
      result.slowestAsyncMs = Math.max(result.slowestAsyncMs, tables.slowestMs);
      for (const difference of tables.differences) {
        result.failures.push({ case: i, description: `recorded file ${i} (${bytes.length} bytes), tables`, error: difference });
      }
      const applies = await applyOutcomes(lib, bytes, file, originals, 10 * (fuzzOptions.timeLimitMs ?? 2000));
      result.applies += applies.compared;
      for (const difference of applies.differences) {
        result.failures.push({ case: i, description: `recorded file ${i} (${bytes.length} bytes), patches`, error: difference });
      }
    }
    result.compared++;
    result.sizes = { min: Math.min(result.sizes.min, bytes.length), max: Math.max(result.sizes.max, bytes.length) };
    result.outcomes[read.startsWith('ok ') ? 'read' : 'refused']++;
    for (const [how, got] of [
      ['openPackage(bytes)', fromBytes],
      ['openPackage(path)', fromPath],
    ]) {
      if (got !== read) {
        result.failures.push({
          case: i,
          description: `recorded file ${i} (${bytes.length} bytes)`,
          error: `readPackage: ${read}\n${how}: ${got}`,
        });
      }
    }
  }
  return result;
}

async function main(argv) {
  const root = path.resolve(__dirname, '..');
  const options = { cases: 20000, seed: Date.now() % 0x7fffffff, timeLimitMs: 2000, structureShare: 0.5, differential: false };
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--cases') options.cases = Number(argv[++i]);
    else if (arg === '--seed') options.seed = Number(argv[++i]);
    else if (arg === '--time-limit') options.timeLimitMs = Number(argv[++i]);
    else if (arg === '--structure-share') options.structureShare = Number(argv[++i]);
    else if (arg === '--differential') options.differential = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node scripts/fuzz-reader.js [--cases N] [--seed S] [--time-limit MS] [--structure-share 0..1] [--differential] [file ...]',
      );
      return 0;
    } else files.push(arg);
  }
  if (files.length === 0) files.push(...findCachedFixtures(root));
  if (files.length === 0) {
    console.error('no fixtures: pass .msi/.msp files, or run the unit tests once to build them (.cache/fixtures/package/)');
    return 2;
  }
  let lib;
  let errors;
  try {
    lib = require(path.join(root, 'dist', 'package'));
    errors = require(path.join(root, 'dist', 'errors'));
  } catch (error) {
    console.error(`cannot load dist/: build first with \`npm run build\` (${error.message})`);
    return 2;
  }
  console.log(
    `fuzzing ${files.length} file(s), ${options.cases} cases, seed ${options.seed}${options.differential ? ', differential' : ''}`,
  );
  const started = Date.now();
  const fuzzOptions = {
    files,
    lib,
    isFormatError: (e) => e instanceof errors.MsiFormatError,
    timeLimitMs: options.timeLimitMs,
    structureShare: options.structureShare,
  };
  let result;
  if (options.differential) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-fuzz-'));
    try {
      const CHUNK = 1000;
      for (let done = 0, chunk = 0; done < options.cases; done += CHUNK, chunk++) {
        const part = await runDifferential({
          ...fuzzOptions,
          file: path.join(scratch, 'case.msi'),
          cases: Math.min(CHUNK, options.cases - done),
          seed: options.seed + chunk,
        });
        result = mergeResults(result, part);
        console.log(
          `  ${result.cases} cases: ${result.accepted} read, ${result.rejected} rejected, ${result.compared} opened three ways, ${result.failures.length} failures`,
        );
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  } else {
    result = runFuzz({
      ...fuzzOptions,
      cases: options.cases,
      seed: options.seed,
      onCase: (i, r) => {
        if ((i + 1) % 1000 === 0)
          console.log(`  ${i + 1} cases: ${r.accepted} read, ${r.rejected} rejected, ${r.failures.length} failures`);
      },
    });
  }
  console.log(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.accepted} read in full, ${result.rejected} rejected with MsiFormatError, slowest case ${result.slowestMs.toFixed(0)} ms (${result.slowestCase})`,
  );
  if (options.differential) {
    console.log(
      `opened from bytes and from a path as well: ${result.compared} files of ${result.sizes.min}-${result.sizes.max} bytes (readPackage read ${result.outcomes.read}, refused ${result.outcomes.refused}); ${result.failures.length} differ`,
    );
    console.log(
      `tables of the files that read, also read with readTableAsync and exportIdtAsync: ${result.tables} tables, slowest asynchronous read ${result.slowestAsyncMs.toFixed(0)} ms`,
    );
    console.log(`patches and bases among them applied with applyPatches and applyPatchesAsync: ${result.applies} applies compared`);
  }
  console.log('cases by mutator:', JSON.stringify(result.byKind));
  console.log('rejections by place:', JSON.stringify(result.rejectedBy));
  for (const failure of result.failures.slice(0, 20))
    console.log(`FAILURE case ${failure.case} (${failure.description}):\n${failure.error}\n`);
  return result.failures.length === 0 ? 0 : 1;
}

/** Two chunks' fuzz results as one (counts summed, the slower slowest case). */
function mergeResults(a, b) {
  if (!a) return b;
  const sum = (x, y) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const slower = b.slowestMs > a.slowestMs ? b : a;
  return {
    cases: a.cases + b.cases,
    accepted: a.accepted + b.accepted,
    rejected: a.rejected + b.rejected,
    compared: a.compared + b.compared,
    sizes: { min: Math.min(a.sizes.min, b.sizes.min), max: Math.max(a.sizes.max, b.sizes.max) },
    outcomes: sum(a.outcomes, b.outcomes),
    tables: a.tables + b.tables,
    applies: a.applies + b.applies,
    slowestAsyncMs: Math.max(a.slowestAsyncMs, b.slowestAsyncMs),
    failures: [...a.failures, ...b.failures],
    slowestMs: slower.slowestMs,
    slowestCase: slower.slowestCase,
    rejectedBy: sum(a.rejectedBy, b.rejectedBy),
    byKind: sum(a.byKind, b.byKind),
  };
}

module.exports = {
  runFuzz,
  runDifferential,
  openOutcomes,
  makeRandom,
  mutateBytes,
  mutateContent,
  mutateStructure,
  structureMap,
  structuralOffsets,
};

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
