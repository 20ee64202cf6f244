// @ts-check
// The size budget: fails when a dist file's gzip size passes the budget in package.json ("sizeBudget"),
// so a regression fails CI. Budgets sit just above what the build reaches; raise one only on purpose.
import { readFile } from 'node:fs/promises';
import { sizes } from '../../esbuild.config.mjs';

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
/** @type {Record<string, { gzip: number }>} */
const budgets = pkg.sizeBudget;
let over = 0;
for (const [file, budget] of Object.entries(budgets)) {
  const { gzip } = sizes(await readFile(new URL(`../../${file}`, import.meta.url)));
  const verdict = gzip <= budget.gzip ? 'ok' : 'OVER BUDGET';
  if (gzip > budget.gzip) over++;
  console.log(`size budget: ${file} ${gzip} B gzip of ${budget.gzip} B: ${verdict}`);
}
if (over > 0) process.exit(1);
