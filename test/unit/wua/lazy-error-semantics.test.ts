// A lazy `error` (lib/wua/shape.ts lazyError) must read, write and print like the plain data
// property it replaced: these compare it, case by case, with an object that has one.
import { inspect } from 'node:util';
import { errorFromHResult } from '../../../lib/errors';
import { lazyError } from '../../../lib/wua/shape';

const HR = 0x80070005;
const lazy = (): { hresult: number; message: string; error?: unknown } =>
  lazyError({ hresult: HR, message: 'm' }, () => errorFromHResult(HR, { syscall: 'IUpdateException::get_HResult' }));

test('assigning to the error of a frozen object throws, as for a data property, and changes nothing', () => {
  'use strict';
  const plain = Object.freeze({ hresult: HR, message: 'm', error: errorFromHResult(HR) as unknown });
  expect(() => {
    (plain as { error: unknown }).error = 'other';
  }).toThrow(TypeError);
  const o = Object.freeze(lazy());
  const before = o.error;
  expect(() => {
    (o as { error: unknown }).error = 'other';
  }).toThrow(TypeError);
  expect(o.error).toBe(before);
});

test('an object inheriting a lazy error reads it, and an assignment gives it its own', () => {
  const parent = lazy();
  const child = Object.create(parent) as { error?: unknown };
  const error = child.error;
  expect(error).toBeInstanceOf(Error);
  expect(parent.error).toBe(error);
  child.error = 'own';
  expect(child.error).toBe('own');
  expect(parent.error).toBe(error);
});

test('util.inspect keeps its depth: a lazy object nested beyond it is [Object], as a plain one', () => {
  const plain = { result: { warnings: [{ hresult: HR, message: 'm', error: errorFromHResult(HR) }] } };
  const nested = { result: { warnings: [lazy()] } };
  expect(inspect(nested)).toBe(inspect(plain));
  expect(inspect(nested, { depth: 0 })).toBe(inspect(plain, { depth: 0 }));
});

test('util.inspect shows a circular reference as it does for a plain object', () => {
  const o = lazy() as Record<string, unknown>;
  o.self = o;
  const text = inspect(o, { depth: 4 });
  expect(text.startsWith('<ref *1> {')).toBe(true);
  expect(text).toContain('self: [Circular *1]');
  expect(text.match(/AccessDeniedError/g)).toHaveLength(1);
});

test('util.inspect of a frozen lazy object shows the error within depth', () => {
  const o = Object.freeze(lazy());
  expect(inspect(o)).toContain('error: AccessDeniedError');
  expect(inspect({ a: { b: { c: o } } })).toBe('{ a: { b: { c: [Object] } } }');
});
