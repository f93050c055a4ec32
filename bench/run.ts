/**
 * `npm run bench -- <name> [flags]`: runs one benchmark of bench/ (see bench/RESULTS.md).
 * Names: open, burst, single, escalation, open-cases, reports.
 */
const BENCHES = {
  open: './open.bench.ts',
  burst: './burst.bench.ts',
  single: './single.bench.ts',
  escalation: './escalation.bench.ts',
  'open-cases': './open-cases.bench.ts',
  reports: './reports.bench.ts',
} as const;

const name = process.argv[2];
if (!name || !(name in BENCHES)) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [flags]`);
  process.exit(2);
}
// The bench reads its own flags from process.argv: drop the name.
process.argv.splice(2, 1);
await import(new URL(BENCHES[name as keyof typeof BENCHES], import.meta.url).href);
