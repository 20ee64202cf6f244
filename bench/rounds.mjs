// @ts-check
// What every bench module shares: the order of variants in a round, and the figures read from the rounds.

/**
 * Each round starts with the next variant (A B C, B C A, C A B): a load runs while the browser is still
 * tearing down the one before it, and no variant should always follow the same one.
 * @template T @param {T[]} items @param {number} round
 */
export function rotated(items, round) {
  const start = round % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (/** @type {number} */ index) => sorted[index] ?? Number.NaN;
  return sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}
