/**
 * Every Store implementation runs the Store contract (contract.ts): each class in src/ that implements the
 * port must be opened by a test file here that calls `storeContract`. A new store without one fails this.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `class X implements … Store …` (the port itself, not AuditLogStore and the like). */
const IMPLEMENTS_STORE = /\bclass\s+(\w+)[^{]*?\bimplements\b[^{]*?(?<![\w.])Store\b/g;

const implementations = sources(join(root, 'src')).flatMap((path) =>
  [...readFileSync(path, 'utf8').matchAll(IMPLEMENTS_STORE)].map((match) => ({
    name: match[1] ?? '',
    file: relative(root, path),
  })),
);

/** The test files that run the contract, and their text. */
const contractRuns = readdirSync(import.meta.dirname)
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => readFileSync(join(import.meta.dirname, name), 'utf8'))
  .filter((text) => /\bstoreContract\(/.test(text));

describe('the Store contract covers every Store', () => {
  it('finds the stores src/ has', () => {
    expect(implementations.map((i) => i.name).sort()).toEqual(expect.arrayContaining(['LowdbStore', 'PostgresStore']));
  });

  it.each(implementations)('$name ($file) is opened by a test that runs storeContract', ({ name }) => {
    const opens = new RegExp(`\\b${name}\\.open\\(`);
    expect(contractRuns.some((text) => opens.test(text))).toBe(true);
  });
});
