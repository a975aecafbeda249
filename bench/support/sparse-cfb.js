'use strict';
// Writes a compound file holding the streams of an existing package plus
// extra streams of zero bytes that are never materialised: the file is
// extended with ftruncate, so a 400 MiB or 3 GiB payload costs no disk
// blocks and no memory. For benchmarks only (bench/big-package.js); the
// layout follows MS-CFB: header, FAT, DIFAT, directory, mini FAT, mini
// stream, then each large stream in consecutive sectors.

const fs = require('node:fs');
const path = require('node:path');

const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
const FATSECT = 0xfffffffd;
const DIFSECT = 0xfffffffc;
const NOSTREAM = 0xffffffff;

/** CFB name order: shorter first, then code unit by code unit, upper-cased. */
function compareNames(a, b) {
  if (a.length !== b.length) return a.length - b.length;
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Writes `output`. `lib` is msi-lua's dist/package (to read the source);
 * `source` the bytes of a package; `extra` a list of { name, size } zero
 * streams added at the root; `sectorShift` 9 (version 3) or 12 (version 4).
 */
function writeSparsePackage({ lib, source, output, extra = [], sectorShift = 9 }) {
  const cf = lib.openCompoundFile(source);
  const sectorSize = 1 << sectorShift;
  const perSector = sectorSize / 4;
  // Flatten the tree: nodes with their children's indexes.
  const nodes = [];
  const add = (entry) => {
    const index = nodes.length;
    const node = {
      name: entry.name,
      type: entry.type === 'root' ? 5 : entry.type === 'storage' ? 1 : 2,
      clsid: Buffer.from(entry.clsid),
      stateBits: Buffer.from(entry.stateBits),
      times: Buffer.concat([entry.creationTime, entry.modifiedTime]),
      data: entry.type === 'stream' ? Buffer.from(cf.streamData(entry)) : null,
      size: entry.type === 'stream' ? entry.size : 0,
      children: [],
    };
    nodes.push(node);
    if (entry.type !== 'stream') for (const child of cf.childrenOf(entry)) node.children.push(add(child));
    return index;
  };
  add(cf.root);
  for (const { name, size } of extra) {
    nodes[0].children.push(nodes.length);
    nodes.push({
      name,
      type: 2,
      clsid: Buffer.alloc(16),
      stateBits: Buffer.alloc(4),
      times: Buffer.alloc(16),
      data: null,
      size,
      children: [],
    });
  }

  // Mini stream: streams under 4096 bytes, 64-byte mini sectors.
  const miniParts = [];
  let miniSectors = 0;
  for (const node of nodes) {
    if (node.type !== 2 || node.size === 0 || node.size >= 4096) continue;
    node.start = miniSectors;
    const count = Math.ceil(node.size / 64);
    miniParts.push({ node, first: miniSectors, count });
    miniSectors += count;
  }
  const miniStreamBytes = miniSectors * 64;
  const miniStreamSectorCount = Math.ceil(miniStreamBytes / sectorSize);
  const miniFatSectorCount = Math.ceil(miniSectors / perSector);
  const directorySectorCount = Math.ceil(nodes.length / (sectorSize / 128));
  const bigStreams = nodes.filter((n) => n.type === 2 && n.size >= 4096);
  const bigSectorCount = bigStreams.reduce((sum, n) => sum + Math.ceil(n.size / sectorSize), 0);
  const content = directorySectorCount + miniFatSectorCount + miniStreamSectorCount + bigSectorCount;
  let fatCount = 0;
  let difatCount = 0;
  for (;;) {
    const total = content + fatCount + difatCount;
    const needFat = Math.ceil(total / perSector);
    const needDifat = needFat > 109 ? Math.ceil((needFat - 109) / (perSector - 1)) : 0;
    if (needFat === fatCount && needDifat === difatCount) break;
    fatCount = needFat;
    difatCount = needDifat;
  }
  const total = content + fatCount + difatCount;
  // Sector numbers of each part, in file order.
  let next = 0;
  const fatSectors = Array.from({ length: fatCount }, () => next++);
  const difatSectors = Array.from({ length: difatCount }, () => next++);
  const directoryStart = next;
  next += directorySectorCount;
  const miniFatStart = next;
  next += miniFatSectorCount;
  const miniStreamStart = next;
  next += miniStreamSectorCount;
  for (const node of bigStreams) {
    node.start = next;
    next += Math.ceil(node.size / sectorSize);
  }

  const fd = fs.openSync(output, 'w');
  try {
    const at = (sector) => (sector + 1) * sectorSize;
    const fileSize = at(total);
    fs.ftruncateSync(fd, fileSize);
    const write = (buffer, position) => fs.writeSync(fd, buffer, 0, buffer.length, position);
    // FAT, written one FAT sector at a time.
    const fatValue = (s) => {
      if (s < fatCount) return FATSECT;
      if (s < fatCount + difatCount) return DIFSECT;
      const chain = (first, count) => (s === first + count - 1 ? ENDOFCHAIN : s + 1);
      if (s >= directoryStart && s < directoryStart + directorySectorCount) return chain(directoryStart, directorySectorCount);
      if (s >= miniFatStart && s < miniFatStart + miniFatSectorCount) return chain(miniFatStart, miniFatSectorCount);
      if (s >= miniStreamStart && s < miniStreamStart + miniStreamSectorCount) return chain(miniStreamStart, miniStreamSectorCount);
      return null;
    };
    const bigRanges = bigStreams.map((n) => [n.start, Math.ceil(n.size / sectorSize)]);
    for (let k = 0; k < fatCount; k++) {
      const sector = Buffer.alloc(sectorSize, 0xff);
      for (let i = 0; i < perSector; i++) {
        const s = k * perSector + i;
        if (s >= total) break;
        let value = fatValue(s);
        if (value === null) {
          const range = bigRanges.find(([first, count]) => s >= first && s < first + count);
          value = range ? (s === range[0] + range[1] - 1 ? ENDOFCHAIN : s + 1) : FREESECT;
        }
        sector.writeUInt32LE(value >>> 0, i * 4);
      }
      write(sector, at(fatSectors[k]));
    }
    // DIFAT sectors: FAT sectors past the header's 109.
    for (let d = 0; d < difatCount; d++) {
      const sector = Buffer.alloc(sectorSize, 0xff);
      for (let i = 0; i < perSector - 1; i++) {
        const k = 109 + d * (perSector - 1) + i;
        if (k < fatCount) sector.writeUInt32LE(fatSectors[k], i * 4);
      }
      sector.writeUInt32LE(d + 1 < difatCount ? difatSectors[d + 1] : ENDOFCHAIN, (perSector - 1) * 4);
      write(sector, at(difatSectors[d]));
    }
    // Directory: each storage's children as a balanced binary tree in name order.
    const left = new Array(nodes.length).fill(NOSTREAM);
    const right = new Array(nodes.length).fill(NOSTREAM);
    const child = new Array(nodes.length).fill(NOSTREAM);
    nodes.forEach((node, index) => {
      const sorted = [...node.children].sort((a, b) => compareNames(nodes[a].name, nodes[b].name));
      const build = (lo, hi) => {
        if (lo > hi) return NOSTREAM;
        const mid = (lo + hi) >> 1;
        left[sorted[mid]] = build(lo, mid - 1);
        right[sorted[mid]] = build(mid + 1, hi);
        return sorted[mid];
      };
      child[index] = build(0, sorted.length - 1);
    });
    const directory = Buffer.alloc(directorySectorCount * sectorSize);
    for (let i = 0; i < directorySectorCount * (sectorSize / 128); i++) {
      const o = i * 128;
      directory.writeUInt32LE(NOSTREAM, o + 68);
      directory.writeUInt32LE(NOSTREAM, o + 72);
      directory.writeUInt32LE(NOSTREAM, o + 76);
    }
    nodes.forEach((node, i) => {
      const o = i * 128;
      const name = Buffer.from(`${node.name}\u0000`, 'utf16le');
      name.copy(directory, o);
      directory.writeUInt16LE(name.length, o + 64);
      directory[o + 66] = node.type;
      directory[o + 67] = 1; // black
      directory.writeUInt32LE(left[i], o + 68);
      directory.writeUInt32LE(right[i], o + 72);
      directory.writeUInt32LE(node.type === 2 ? NOSTREAM : child[i], o + 76);
      node.clsid.copy(directory, o + 80);
      node.stateBits.copy(directory, o + 96);
      if (node.type !== 5) node.times.copy(directory, o + 100);
      const start =
        node.type === 5
          ? miniStreamSectorCount
            ? miniStreamStart
            : ENDOFCHAIN
          : node.type === 2 && node.size > 0
            ? node.start
            : node.type === 2
              ? ENDOFCHAIN
              : 0;
      const size = node.type === 5 ? miniStreamBytes : node.size;
      directory.writeUInt32LE(start >>> 0, o + 116);
      directory.writeUInt32LE(size % 0x100000000, o + 120);
      if (sectorShift === 12) directory.writeUInt32LE(Math.floor(size / 0x100000000), o + 124);
    });
    write(directory, at(directoryStart));
    // Mini FAT and mini stream.
    if (miniFatSectorCount) {
      const miniFat = Buffer.alloc(miniFatSectorCount * sectorSize, 0xff);
      for (const { first, count } of miniParts) {
        for (let m = first; m < first + count; m++) miniFat.writeUInt32LE(m === first + count - 1 ? ENDOFCHAIN : m + 1, m * 4);
      }
      write(miniFat, at(miniFatStart));
      const mini = Buffer.alloc(miniStreamSectorCount * sectorSize);
      for (const { node, first } of miniParts) node.data.copy(mini, first * 64);
      write(mini, at(miniStreamStart));
    }
    for (const node of bigStreams) if (node.data) write(node.data, at(node.start));
    // Header.
    const header = Buffer.alloc(sectorShift === 12 ? 4096 : 512);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
    header.writeUInt16LE(0x3e, 24);
    header.writeUInt16LE(sectorShift === 12 ? 4 : 3, 26);
    header.writeUInt16LE(0xfffe, 28);
    header.writeUInt16LE(sectorShift, 30);
    header.writeUInt16LE(6, 32);
    if (sectorShift === 12) header.writeUInt32LE(directorySectorCount, 40);
    header.writeUInt32LE(fatCount, 44);
    header.writeUInt32LE(directoryStart, 48);
    header.writeUInt32LE(4096, 56);
    header.writeUInt32LE(miniFatSectorCount ? miniFatStart : ENDOFCHAIN, 60);
    header.writeUInt32LE(miniFatSectorCount, 64);
    header.writeUInt32LE(difatCount ? difatSectors[0] : ENDOFCHAIN, 68);
    header.writeUInt32LE(difatCount, 72);
    for (let i = 0; i < 109; i++) header.writeUInt32LE(i < fatCount ? fatSectors[i] : FREESECT, 76 + i * 4);
    write(header, 0);
    return { output, fileSize, sectorSize, fatSectors: fatCount, difatSectors: difatCount };
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { writeSparsePackage };

if (require.main === module) {
  // node bench/support/sparse-cfb.js source.msi output.msi [extraMiB] [sectorShift]
  const [src, out, mib = '0', shift = '9'] = process.argv.slice(2);
  const lib = require(path.join(__dirname, '..', '..', 'dist', 'package'));
  const extra = Number(mib) > 0 ? [{ name: 'BigCabinet.cab', size: Number(mib) * 1048576 }] : [];
  console.log(writeSparsePackage({ lib, source: fs.readFileSync(src), output: out, extra, sectorShift: Number(shift) }));
}
