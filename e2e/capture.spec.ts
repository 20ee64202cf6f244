import { describeEvent, expect, test } from './fixtures';

test.describe('what every event carries', () => {
  test('an uncaught error reaches the ingest as unhandled, with its stack, the page URL and the user agent', async ({
    openPage,
    project,
  }) => {
    const page = await openPage({ body: `<script>setTimeout(function thrower() { throw new Error('uncaught boom'); });</script>` });
    const event = await project.waitForError('uncaught boom');
    const exception = event.exception?.values?.[0];
    expect(exception?.type).toBe('Error');
    expect(exception?.mechanism?.handled).toBe(false);
    expect(exception?.stacktrace?.frames?.length).toBeGreaterThan(0);
    expect(event.request?.url).toBe(page.url());
    expect(event.request?.headers?.['User-Agent']).toBe(await page.evaluate(() => navigator.userAgent));
  });
});
