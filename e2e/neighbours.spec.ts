import { caseOfACrossing, describeEvent, everyEngine, expect, sendSentinel, test, type BrowserPage, type Event } from './support/fixtures';
import { hostSentryBundle, type HostSentryPackage } from './support/host-sentry';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/boom|seen by both/] });

/** Has the page throw `message` from a timer. */
const throwFromTimer = (page: BrowserPage, message: string) =>
  page.evaluate((text) => void setTimeout(() => { throw new Error(text); }), message);

test.describe('living next to other code', () => {
  everyEngine('the bundle included twice: one client, one event per error, and a warning', async ({ openPage, page, project, consoleLog }) => {
    await openPage({ head: '<script src="/dist/segment-sentry.min.js"></script>' });
    await consoleLog.waitFor(/\[segment-sentry\] SegmentSentry is already defined \(segment-sentry included twice, or another script uses the name\); this copy does nothing/);
    await throwFromTimer(page, 'included twice boom');
    await project.waitForError('included twice boom');
    await project.settle(page);
    expect(project.events().filter((event) => describeEvent(event).includes('included twice boom'))).toHaveLength(1);
  });

  everyEngine('init called twice: the first settings stay, and a warning', async ({ openPage, page, project, otherProject, consoleLog }) => {
    await openPage({ settings: { release: 'first@1' } });
    expect(await page.evaluate((dsn) => window.SegmentSentry?.init({ config: dsn, release: 'second@2' }), otherProject.dsn)).toBe(false);
    await consoleLog.waitFor(/SegmentSentry\.init\(settings\): Sentry is already running with the first settings; these are ignored/);
    await throwFromTimer(page, 'init twice boom');
    expect((await project.waitForError('init twice boom')).release).toBe('first@1');
    await project.settle(page);
    expect(otherProject.items()).toEqual([]);
  });
});

/**
 * The page runs its own Sentry (another copy of @sentry/browser with its own DSN, user, release and
 * tags), started before or after ours: every error reaches each DSN exactly once, and neither side's
 * user, release or tags leak into the other.
 */
const hosts: Array<[string, HostSentryPackage, 'before' | 'after']> = [
  ['the same version, started before ours', '@sentry/browser', 'before'],
  ['the same version, started after ours', '@sentry/browser', 'after'],
  ['the previous major version, started before ours', 'sentry-browser-v10', 'before'],
  ['the previous major version, started after ours', 'sentry-browser-v10', 'after'],
];

for (const [title, pkg, order] of hosts) {
  // Which copy of the SDK, and which starts first, are branches of the two SDKs' JavaScript: each engine meets
  // both versions and both orders (Chromium all four).
  const crossing = caseOfACrossing(Number(pkg !== '@sentry/browser') + Number(order === 'after'), 'which SDK version, started in which order');
  everyEngine(`next to the page's own Sentry (${title}) each error reaches each DSN once, and nothing leaks`, async ({
    openPage,
    site,
    page,
    project,
    otherProject: hostProject,
  }) => {
    const hostScript = site.register(`/host/${pkg.replace(/\W/g, '-')}.js`, await hostSentryBundle(pkg));
    const host = `<script src="${hostScript}"></script><script>
      Sentry.init({ dsn: ${JSON.stringify(hostProject.dsn)}, release: 'host@1.0.0', environment: 'host-env' });
      Sentry.setUser({ id: 'host-user' });
      Sentry.setTag('owner', 'host');
    </script>`;
    await openPage({
      settings: { release: 'ours@2.0.0', environment: 'ours-env' },
      ...(order === 'before' ? { beforeBundle: host } : { head: host }),
      body: '<button id="press">press</button>',
    });
    await page.click('#press');
    await throwFromTimer(page, 'seen by both');
    // Sentry ignores global handlers for a moment after a wrapped callback threw (it captured that
    // error itself); a rejection in that moment is skipped by any Sentry. Not what this test is about.
    await project.waitForError('seen by both');
    await hostProject.waitForError('seen by both');
    await page.evaluate(() => void Promise.reject(new Error('rejection seen by both')));

    for (const text of ['seen by both', 'rejection seen by both']) {
      const ours = await project.waitForError(text);
      const theirs = await hostProject.waitForError(text);
      expect(ours).toMatchObject({ release: 'ours@2.0.0', environment: 'ours-env' });
      expect(ours.tags?.owner).toBeUndefined();
      expect(ours.user?.id).toBeUndefined();
      expect(ours.breadcrumbs?.some((crumb) => crumb.category === 'ui.click')).toBe(true);
      expect(theirs).toMatchObject({ release: 'host@1.0.0', environment: 'host-env', tags: { owner: 'host' }, user: { id: 'host-user' } });
    }

    // Calls through each API reach only that side.
    await page.evaluate(() => {
      window.SegmentSentry?.captureMessage('only ours');
      window.Sentry.captureMessage('only theirs');
    });
    await project.waitForEvent((event) => event.message === 'only ours');
    await hostProject.waitForEvent((event) => event.message === 'only theirs');

    // Then the sentinels: each side has exactly one copy of each error and nothing of the other's.
    await sendSentinel(page);
    await page.evaluate(async () => {
      window.Sentry.captureMessage('host sentinel');
      await window.Sentry.flush(5000);
    });
    await hostProject.waitForEvent((event) => event.message === 'host sentinel');
    const count = (events: Event[], text: string) => events.filter((event) => describeEvent(event).includes(text)).length;
    for (const events of [project.events(), hostProject.events()]) {
      expect(count(events, 'seen by both')).toBe(2); // the error and the rejection, once each
      expect(count(events, 'rejection seen by both')).toBe(1);
    }
    expect(count(project.events(), 'only theirs') + count(hostProject.events(), 'only ours')).toBe(0);
  }, crossing);
}
