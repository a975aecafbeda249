// The loaded addon exports exactly the functions the typed binding interface declares
// (lib/native/binding.ts NativeBinding): the expected names are read from the interface with
// the TypeScript compiler at test time, so the list is not written twice.
import * as path from 'node:path';
import * as ts from 'typescript';
import { getBinding } from '../../lib/native/load';

function interfaceMembers(file: string, name: string): string[] {
  const program = ts.createProgram([file], { strict: true, noEmit: true, types: [], skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const symbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
  if (!symbol) throw new Error(`${file} exports no interface ${name}`);
  return checker
    .getDeclaredTypeOfSymbol(symbol)
    .getProperties()
    .map((p) => p.name);
}

test('the addon exports exactly the members of NativeBinding', () => {
  const expected = interfaceMembers(path.join(__dirname, '..', '..', 'lib', 'native', 'binding.ts'), 'NativeBinding');
  expect(expected.length).toBeGreaterThan(10);
  const binding = getBinding() as unknown as Record<string, unknown>;
  expect(Object.keys(binding).sort()).toEqual([...expected].sort());
  for (const key of expected) {
    if (key !== 'napiVersion') expect([key, typeof binding[key]]).toEqual([key, 'function']);
  }
}, 60_000);
