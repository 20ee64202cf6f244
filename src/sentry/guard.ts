import { describe, makeAttempt } from '../shared/contain';
import { log } from './log';

const report = (what: string, error: unknown) => log.error(`${what} failed: ${describe(error)}`);
const attemptNow = makeAttempt(report);

/**
 * The full bundle's containment boundary (contain.ts), reporting through log.ts; a returned promise is
 * contained too. Any thenable, not `instanceof Promise`: a page with Zone.js has replaced window.Promise.
 */
export const attempt: typeof attemptNow = (what, run) =>
  attemptNow(what, () => {
    const result = run();
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') return result;
    return (result as PromiseLike<unknown>).then(undefined, (error: unknown) => report(what, error)) as typeof result;
  });
