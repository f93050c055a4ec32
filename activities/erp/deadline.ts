/**
 * The time an ERP operation may still take. An operation is several HTTP calls (search the stamp,
 * create, confirm, validate…); none may outlive the Temporal activity attempt that runs it, or a
 * retry could start while the abandoned attempt is still creating — and make a second document.
 * The activity sets the deadline; every HTTP call (http.ts) shortens its timeout to fit it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<number>();

/** Runs `fn` with every ERP call in it bounded by `deadline` (epoch ms). */
export const withDeadline = <T>(deadline: number, fn: () => Promise<T>): Promise<T> =>
  store.run(deadline, fn);

/** Milliseconds left before the current operation's deadline; null outside one. */
export function remainingMs(): number | null {
  const deadline = store.getStore();
  return deadline === undefined ? null : deadline - Date.now();
}
