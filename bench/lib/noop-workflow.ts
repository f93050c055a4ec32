/**
 * The baseline's workflow: does nothing and completes. Bundled by the bench's own worker on its own
 * task queue (bench/lib/baseline.ts), so the product's bundle stays untouched.
 */
export async function benchNoopWorkflow(): Promise<void> {}
