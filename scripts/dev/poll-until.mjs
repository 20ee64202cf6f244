// @ts-check
/**
 * Tries `attempt` every `intervalMs` until it says yes; past `timeoutMs`, throws with what `failure` says. An attempt
 * that throws ends the wait with its error (a process that died is no reason to wait on).
 * @param {() => Promise<boolean>} attempt @param {number} timeoutMs @param {() => string} failure @param {number} [intervalMs]
 * @returns {Promise<void>}
 */
export async function pollUntil(attempt, timeoutMs, failure, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
