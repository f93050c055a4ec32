/** Import rules between folders that the code layout depends on (see docs of the redesign). */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Files of `dir` importing (even only types) from a module under one of `banned`. */
function offenders(dir: string, banned: string[]): string[] {
  return sources(dir).filter((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [...text.matchAll(/from '(\.[^']+)'/g)].some((m) => {
      const target = relative(root, join(root, file, '..', m[1]!));
      return banned.some((b) => target.startsWith(`${b}/`));
    });
  });
}

describe('layering', () => {
  it('api/ imports nothing from activities/, and db/ nothing from api/ or activities/', () => {
    assert.deepEqual(offenders('api', ['activities']), []);
    assert.deepEqual(offenders('db', ['api', 'activities', 'workflows']), []);
  });

  it('keeps api/ and lib/ files under 400 lines', () => {
    const long = [...sources('api'), ...sources('lib')].filter(
      (f) => readFileSync(join(root, f), 'utf8').split('\n').length > 400,
    );
    assert.deepEqual(long, []);
  });
});
