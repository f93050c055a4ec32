/**
 * The layout rules docs/ARCHITECTURE.md states, checked on the sources: which folder may import
 * which, no import cycles (type-only imports included), small files, one file-naming convention.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const FOLDERS = ['domain', 'workflows', 'activities', 'db', 'api', 'lib', 'bin', 'scripts'] as const;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const files = FOLDERS.flatMap((f) => sources(f));

/** Every relative import of a file (values and types), as a path from the repository root. */
const importsOf = new Map<string, string[]>(
  files.map((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s+'(\.[^']+)'/g)].map((m) =>
      normalize(join(dirname(file), m[1]!.replace(/\.js$/, '.ts'))),
    );
    return [file, targets];
  }),
);

const folderOf = (file: string): string => file.split('/')[0]!;

/**
 * What a file imports at run time: `import type` and `export type` are erased, everything else (an
 * `import { type X }` too: verbatimModuleSyntax keeps it) loads the module. Relative imports as paths
 * from the repository root, packages by their name.
 */
function runtimeImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022);
  const specifiers = source.statements.flatMap((s) =>
    ts.isImportDeclaration(s) && !s.importClause?.isTypeOnly
      ? [s.moduleSpecifier]
      : ts.isExportDeclaration(s) && s.moduleSpecifier && !s.isTypeOnly
        ? [s.moduleSpecifier]
        : [],
  );
  return specifiers
    .filter((m): m is ts.StringLiteral => ts.isStringLiteral(m))
    .map(({ text }) =>
      text.startsWith('.')
        ? normalize(join(dirname(file), text.replace(/\.js$/, '.ts')))
        : /^(@[^/]+\/)?[^/]+/.exec(text)![0],
    );
}

/** What each folder may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  workflows: ['domain', 'activities' /* types only, checked below */],
  activities: ['domain', 'db', 'lib', 'workflows'],
  db: ['domain', 'lib'],
  api: ['domain', 'db', 'lib', 'workflows'],
  lib: ['domain', 'db', 'activities', 'api', 'workflows', 'scripts'],
  bin: ['domain', 'db', 'activities', 'api', 'lib', 'workflows', 'scripts'],
  scripts: ['domain', 'db', 'lib', 'workflows', 'test'],
};

describe('architecture', () => {
  it('imports go only where the layout allows', () => {
    const wrong: string[] = [];
    for (const [file, targets] of importsOf) {
      const from = folderOf(file);
      for (const t of targets) {
        const to = folderOf(t);
        if (to !== from && !ALLOWED[from]!.includes(to)) wrong.push(`${file} → ${t}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('workflows import only types from activities/', () => {
    const wrong = sources('workflows').filter(
      (file) =>
        [
          ...readFileSync(join(root, file), 'utf8').matchAll(
            /^import (?!type )[^;]*'(\.[^']*activities\/[^']*)'/gm,
          ),
        ].length > 0,
    );
    assert.deepEqual(wrong, []);
  });

  it('has no import cycles, type-only imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      stack.push(file);
      for (const t of importsOf.get(file) ?? []) if (importsOf.has(t)) visit(t);
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of importsOf.keys()) visit(file);
    assert.deepEqual(cycles, []);
  });

  it('keeps zod out of the workflow bundle', () => {
    // The SDK evaluates every bundled module again for each new workflow, on the one workflow
    // thread: zod and the schemas built with it cost ~40 ms per case (issue 16's profile).
    const chainTo = new Map<string, string[]>([['workflows/index.ts', ['workflows/index.ts']]]);
    const queue = ['workflows/index.ts'];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      for (const target of runtimeImportsOf(file)) {
        if (chainTo.has(target)) continue;
        chainTo.set(target, [...chainTo.get(file)!, target]);
        if (target.endsWith('.ts')) queue.push(target);
      }
    }
    assert.ok(chainTo.has('workflows/sop/index.ts'), 'the walk follows the workflow imports');
    assert.equal(chainTo.get('zod')?.join(' → '), undefined);
  });

  it('keeps files under 400 lines (migrations aside)', () => {
    const long = files
      .filter((f) => !f.startsWith('db/migrations/'))
      .map((f) => [f, readFileSync(join(root, f), 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 400)
      .map(([f, n]) => `${f} (${n})`);
    assert.deepEqual(long, []);
  });

  it('names files in kebab-case', () => {
    const all = [...files, ...sources('test').map((f) => relative(root, join(root, f)))];
    const odd = all
      .map((f) => f.split('/').pop()!.replace(/\.ts$/, ''))
      .filter(
        (name) => !/^[0-9a-z]+(-[0-9a-z]+)*(\.test|\.bench)?$/.test(name) && !/^\d{4}_[a-z0-9_]+$/.test(name),
      );
    assert.deepEqual(odd, []);
  });
});
