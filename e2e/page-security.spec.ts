import { readFile } from 'node:fs/promises';
import { everyEngine, expect, test } from './support/fixtures';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
// (Firefox also reports the refused bundle as a page error of its own: "None of the “sha384” hashes in the integrity attribute match".)
test.use({ expectedPageErrors: [/loaded with integrity|thrown on a strict CSP page|integrity attribute/] });

const DIST_FILES = ['segment-sentry.js', 'segment-sentry.min.js'];

test.describe('Content-Security-Policy', () => {
  test('the dist files contain no eval and no new Function', async () => {
    for (const file of DIST_FILES) {
      const code = await readFile(new URL(`../dist/${file}`, import.meta.url), 'utf8');
      expect(code, file).not.toMatch(/\beval\s*\(/);
      expect(code, file).not.toMatch(/\bnew\s+Function\s*\(|\bFunction\s*\(\s*['"`]/);
    }
  });

  // The loader adds the full bundle's script element itself: without 'strict-dynamic' the policy allows it only with
  // the nonce the loader's own tag came with.
  for (const [what, script] of [['the full bundle', '/dist/segment-sentry.min.js'], ['the loader', '/dist/segment-sentry.loader.min.js']] as const) {
    everyEngine(`${what} on a strict CSP page (nonce scripts without 'strict-dynamic', connect-src the ingest only): everything works with zero violations`, async ({
      page,
      site,
      ingest,
      project,
      consoleLog,
      expectPageErrors,
    }) => {
      const nonce = `n${Date.now()}`;
      // Violations are watched from before anything else runs, by a script the policy allows.
      const watchViolations = `<script nonce="${nonce}">
        window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));
      </script>`;
      const html = (await readFile(new URL('../fixtures/strict-csp.html', import.meta.url), 'utf8'))
        .replaceAll('{{NONCE}}', nonce)
        .replace('{{INGEST}}', ingest.origin)
        .replace('{{SETTINGS}}', JSON.stringify({ config: project.dsn, release: 'csp@1' }))
        .replace('/dist/segment-sentry.min.js', script)
        .replace('<meta charset="utf-8">', (meta) => meta + watchViolations);
      // img-src only for the favicon Firefox asks for on its own.
      const policy = `default-src 'none'; script-src 'nonce-${nonce}'; connect-src 'self' ${ingest.origin}; img-src 'self'`;
      const url = site.register(`/pages/strict-csp-${what.replaceAll(' ', '-')}.html`, html, { 'Content-Security-Policy': policy });

      await page.goto(url);
      // The loader's full bundle comes in idle time after the load event: its breadcrumbs start with it.
      await page.waitForFunction(() => !(window.SegmentSentry as unknown as { _loader?: unknown } | undefined)?._loader && Boolean(window.SegmentSentry));
      await page.click('#press');
      const event = await project.waitForError('thrown on a strict CSP page');
      expect(event.release).toBe('csp@1');
      expect(event.breadcrumbs?.map((crumb) => crumb.category)).toEqual(expect.arrayContaining(['ui.click', 'fetch']));
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
      // (Not /CSP/i: the page's own URL, strict-csp.html, is in many console lines.)
      expect(consoleLog.entries.filter((entry) => /Content[- ]Security[- ]Policy/i.test(entry.text))).toEqual([]);
      // The one violation the test makes on purpose, last: the watch does record what the policy refuses.
      expectPageErrors(/refused\.png/);
      await page.evaluate((origin) => void (new Image().src = `${origin}/refused.png`), ingest.origin);
      await page.waitForFunction(() => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0);
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([expect.stringMatching(/^img-src http:\/\/127\.0\.0\.1:\d+/)]);
    });
  }
});

test.describe('Subresource Integrity', () => {
  test('loaded from another origin with integrity and crossorigin, the bundle runs', async ({ openPage, otherSite, project, page }) => {
    const integrity = JSON.parse(await readFile(new URL('../dist/integrity.json', import.meta.url), 'utf8'))['segment-sentry.min.js'];
    expect(integrity).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
    await openPage({ bundle: null, head: `<script src="${otherSite.origin}/dist/segment-sentry.min.js" integrity="${integrity}" crossorigin="anonymous"></script>` });
    await page.evaluate(() => setTimeout(() => { throw new Error('loaded with integrity'); }));
    await project.waitForError('loaded with integrity');
  });

  test('with a wrong hash the browser refuses the bundle', async ({ openPage, otherSite, page }) => {
    const wrong = `sha384-${'A'.repeat(64)}`;
    await openPage({
      bundle: null,
      head: `<script src="${otherSite.origin}/dist/segment-sentry.min.js" integrity="${wrong}" crossorigin="anonymous" onerror="window.bundleRefused = true"></script>`,
    });
    expect(await page.evaluate(() => (window as unknown as { bundleRefused?: boolean }).bundleRefused)).toBe(true);
    expect(await page.evaluate(() => typeof window.SegmentSentry)).toBe('undefined');
  });
});
