/**
 * The part of Playwright's Page that scenarios shared by every engine may use. Playwright's Page has it
 * already; the WebKit lane's WebDriverPage (webdriver-page.ts) implements it over WebDriver. A scenario
 * typed against this cannot reach for what WebDriver lacks (request routing, init scripts, offline mode).
 */
export interface BrowserPage {
  goto(url: string): Promise<unknown>;
  reload(): Promise<unknown>;
  /** Where the page is (for WebDriver: as of the last command or poll). */
  url(): string;
  evaluate<R, Arg>(fn: (arg: Arg) => R | Promise<R>, arg?: Arg): Promise<R>;
  click(selector: string): Promise<void>;
  waitForFunction<Arg>(fn: (arg: Arg) => unknown, arg?: Arg, options?: { timeout?: number }): Promise<unknown>;
  /** Until the page is at `url`, after a navigation the page started itself. */
  waitForURL(url: string, options?: { timeout?: number }): Promise<unknown>;
}
