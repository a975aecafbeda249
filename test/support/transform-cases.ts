// Transform fixtures shared by the unit tests and the Wine cross-check
// (scripts/transform-crosscheck.js applies them with msi.dll's
// MsiDatabaseApplyTransformW; test/native/transform.test.ts compares). Built at
// test time: a wixl package altered with msibuild as the base, transforms
// written by test/support/transform-writer.ts.

import * as fs from 'node:fs';
import * as path from 'node:path';

import { LUA_PRODUCT_CODE, luaWxs } from './lua-fixtures';
import { buildMsi, deterministicBytes, importIdtTables, scratchDir } from './package-fixtures';
import { writeTransformFile, type TransformSpec, type WriterColumn } from './transform-writer';

export interface TransformCase {
  name: string;
  description: string;
  /** The base package. */
  base: string;
  /** Transform files (.mst), in the order they are applied. */
  transforms: string[];
}

export const COLUMNS = {
  Property: [
    { name: 'Property', type: 's72', key: true },
    { name: 'Value', type: 'l0' },
  ],
  Component: [
    { name: 'Component', type: 's72', key: true },
    { name: 'ComponentId', type: 'S38' },
    { name: 'Directory_', type: 's72' },
    { name: 'Attributes', type: 'i2' },
    { name: 'Condition', type: 'S255' },
    { name: 'KeyPath', type: 'S72' },
  ],
  File: [
    { name: 'File', type: 's72', key: true },
    { name: 'Component_', type: 's72' },
    { name: 'FileName', type: 'l255' },
    { name: 'FileSize', type: 'i4' },
    { name: 'Version', type: 'S72' },
    { name: 'Language', type: 'S20' },
    { name: 'Attributes', type: 'I2' },
    { name: 'Sequence', type: 'i4' },
  ],
  Widget: [
    { name: 'Widget', type: 's72', key: true },
    { name: 'Size', type: 'I2' },
    { name: 'Label', type: 'L64' },
  ],
  MsiDigitalCertificate: [
    { name: 'DigitalCertificate', type: 's72', key: true },
    { name: 'CertData', type: 'v0' },
  ],
  MsiPatchCertificate: [
    { name: 'PatchCertificate', type: 's72', key: true },
    { name: 'DigitalCertificate_', type: 's72' },
  ],
} satisfies Record<string, WriterColumn[]>;

const WIDGET_IDT = 'Widget\tSize\tLabel\r\ns72\tI2\tL64\r\nWidget\tWidget\r\nbolt\t10\tA bolt\r\nnut\t-3\t\r\nwasher\t\tRound\r\n';
const GADGET_IDT = 'Gadget\tCount\r\ns72\ti4\r\nGadget\tGadget\r\nspring\t70000\r\nlever\t-70000\r\n';

export const TRANSFORM_SUMMARY = {
  targetProductCode: LUA_PRODUCT_CODE,
  targetVersion: '1.0.0',
  upgradedProductCode: LUA_PRODUCT_CODE,
  upgradedVersion: '1.0.1',
  upgradeCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E61}',
};

/** The base for the transform cases: the UAC fixture package with two custom tables (Widget, Gadget). */
export async function buildTransformBase(): Promise<string> {
  const plain = await buildMsi('lua-machine', luaWxs('Machine'), { 'readme.txt': 'msi-lua UAC patching fixture\r\n' });
  return importIdtTables(plain, { Widget: WIDGET_IDT, Gadget: GADGET_IDT }, path.join(scratchDir('transform-base'), 'transform-base.msi'));
}

/** A certificate-sized blob (the tables do not care what it is). */
export const CERTIFICATE_BLOB = deterministicBytes('transform certificate', 700);

/** The transform specifications of every case, by case name. */
export function transformSpecs(): Record<string, { description: string; transforms: TransformSpec[] }> {
  const summary = TRANSFORM_SUMMARY;
  return {
    'row-changes': {
      description: 'Property, Component and File rows inserted, replaced, updated (bit mask) and deleted',
      transforms: [
        {
          summary,
          changes: [
            {
              table: 'Property',
              columns: COLUMNS.Property,
              records: [
                { op: 'insert', values: ['NEWPROP', 'a new value'] },
                { op: 'insert', values: ['Manufacturer', 'Replaced Inc.'] },
                { op: 'update', key: ['ProductName'], set: { Value: 'Renamed product' } },
                { op: 'delete', key: ['ALLUSERS'] },
              ],
            },
            {
              table: 'Component',
              columns: COLUMNS.Component,
              records: [{ op: 'update', key: ['MainFile'], set: { Attributes: 256, Condition: 'VersionNT >= 600' } }],
            },
            {
              table: 'File',
              columns: COLUMNS.File,
              records: [
                { op: 'update', key: ['ReadmeFile'], set: { FileSize: 123456789, Version: '1.2.3.4', Attributes: null } },
                { op: 'insert', values: ['Second', 'MainFile', 'second.txt', 42, null, '1033', 512, 2] },
              ],
            },
          ],
        },
      ],
    },
    'certificate-tables': {
      description: 'MsiDigitalCertificate and MsiPatchCertificate added, with the certificate as a stream of the transform',
      transforms: [
        {
          summary,
          addTables: [
            { name: 'MsiDigitalCertificate', columns: COLUMNS.MsiDigitalCertificate },
            { name: 'MsiPatchCertificate', columns: COLUMNS.MsiPatchCertificate },
          ],
          changes: [
            {
              table: 'MsiDigitalCertificate',
              columns: COLUMNS.MsiDigitalCertificate,
              records: [{ op: 'insert', values: ['PatchSigner', { binary: CERTIFICATE_BLOB }] }],
            },
            {
              table: 'MsiPatchCertificate',
              columns: COLUMNS.MsiPatchCertificate,
              records: [{ op: 'insert', values: ['patchcert1', 'PatchSigner'] }],
            },
          ],
        },
      ],
    },
    'columns-and-drop': {
      description: 'two columns added to Widget (numbered), rows updated through them, Gadget dropped',
      transforms: [
        {
          summary,
          addColumns: [
            { table: 'Widget', number: 4, column: { name: 'Weight', type: 'I4' } },
            { table: 'Widget', number: 5, column: { name: 'Notes', type: 'S0' } },
          ],
          dropTables: ['Gadget'],
          changes: [
            {
              table: 'Widget',
              columns: [...COLUMNS.Widget, { name: 'Weight', type: 'I4' }, { name: 'Notes', type: 'S0' }],
              records: [
                { op: 'update', key: ['bolt'], set: { Weight: -2147483647, Notes: 'heavy' } },
                { op: 'update', key: ['nut'], set: { Size: 5, Weight: 2147483647 } },
                { op: 'insert', values: ['screw', 1, 'A screw', 0, 'new'] },
                { op: 'insert', values: ['gear', 7] },
              ],
            },
          ],
        },
      ],
    },
    'long-references-utf8': {
      description: 'a transform pool with 3-byte string references and codepage 65001, non-ASCII strings, integer extremes',
      transforms: [
        {
          summary,
          codepage: 65001,
          longReferences: true,
          changes: [
            {
              table: 'Widget',
              columns: COLUMNS.Widget,
              records: [
                { op: 'insert', values: ['café', -32767, 'Crème brûlée'] },
                { op: 'insert', values: ['über', 32767, null] },
                { op: 'update', key: ['washer'], set: { Label: 'Größe ½' } },
                { op: 'delete', key: ['bolt'] },
              ],
            },
            {
              table: 'Property',
              columns: COLUMNS.Property,
              records: [{ op: 'insert', values: ['NONASCII', 'Ünïcödé €5'] }],
            },
          ],
        },
      ],
    },
    'transform-sequence': {
      description:
        'two transforms in order: the first adds a table with a binary column, the second adds a column to it and changes its rows',
      transforms: [
        {
          summary,
          addTables: [
            {
              name: 'Extra',
              columns: [
                { name: 'Extra', type: 's72', key: true },
                { name: 'Count', type: 'I2' },
                { name: 'Blob', type: 'V0' },
              ],
            },
          ],
          changes: [
            {
              table: 'Extra',
              columns: [
                { name: 'Extra', type: 's72', key: true },
                { name: 'Count', type: 'I2' },
                { name: 'Blob', type: 'V0' },
              ],
              records: [
                { op: 'insert', values: ['one', 1, { binary: Buffer.from('first blob') }] },
                { op: 'insert', values: ['two', 2, { binary: Buffer.alloc(0) }] },
                { op: 'insert', values: ['three', 3, { binary: deterministicBytes('three', 5000) }] },
              ],
            },
          ],
        },
        {
          summary,
          addColumns: [{ table: 'Extra', number: 4, column: { name: 'Flag', type: 'I2' } }],
          changes: [
            {
              table: 'Extra',
              columns: [
                { name: 'Extra', type: 's72', key: true },
                { name: 'Count', type: 'I2' },
                { name: 'Blob', type: 'V0' },
                { name: 'Flag', type: 'I2' },
              ],
              records: [
                { op: 'update', key: ['one'], set: { Count: 10, Flag: 1 } },
                { op: 'delete', key: ['two'] },
                { op: 'insert', values: ['four', 4, { binary: Buffer.from('fourth blob') }, 0] },
              ],
            },
          ],
        },
      ],
    },
    'wine-differences': {
      description: "changes where Wine's msi.dll and msi-lua differ on purpose: a null binary cell, a missing row updated or deleted",
      transforms: [
        {
          summary,
          addTables: [
            {
              name: 'Extra',
              columns: [
                { name: 'Extra', type: 's72', key: true },
                { name: 'Count', type: 'I2' },
                { name: 'Blob', type: 'V0' },
              ],
            },
          ],
          changes: [
            {
              table: 'Extra',
              columns: [
                { name: 'Extra', type: 's72', key: true },
                { name: 'Count', type: 'I2' },
                { name: 'Blob', type: 'V0' },
              ],
              records: [
                { op: 'insert', values: ['with-data', 1, { binary: Buffer.from('data') }] },
                { op: 'insert', values: ['without-data', 2, null] },
              ],
            },
            {
              table: 'Widget',
              columns: COLUMNS.Widget,
              records: [
                { op: 'update', key: ['ghost'], set: { Size: 9 } },
                { op: 'delete', key: ['nosuch'] },
                { op: 'update', key: ['bolt'], set: { Size: 11 } },
              ],
            },
          ],
        },
      ],
    },
  };
}

/** Builds every case into `dir` (default: a scratch directory). */
export async function buildTransformCases(dir?: string): Promise<TransformCase[]> {
  const out = dir ?? scratchDir('transform-cases');
  fs.mkdirSync(out, { recursive: true });
  const base = path.join(out, 'base.msi');
  fs.copyFileSync(await buildTransformBase(), base);
  return Object.entries(transformSpecs()).map(([name, { description, transforms }]) => {
    const files = transforms.map((spec, i) => {
      const file = path.join(out, `${name}-${i + 1}.mst`);
      fs.writeFileSync(file, writeTransformFile(spec));
      return file;
    });
    return { name, description, base, transforms: files };
  });
}
