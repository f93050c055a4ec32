import { basename } from 'node:path';

/** The Temporal namespace a test file runs in (the runner creates one per file, so case ids never collide). */
export function testNamespace(testFile: string): string {
  return `andon-test-${basename(testFile)
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-z0-9-]/gi, '-')}`;
}
