import { BrowserClient, captureSession, getIsolationScope, startSession } from '@sentry/browser';
import { attempt } from './guard';
import { whenIdleOrHidden } from './when-idle';

/**
 * Release health as Sentry's browserSessionIntegration gives it (one session per page load, sent when
 * the page is first idle or hidden, and again when the user changes), with one difference: the
 * session is also *started* then, not during start-up. Starting it was the largest single cost of
 * our start-up in Chromium (about a seventh of it), and nothing needs it before an event exists.
 * An event that comes first starts it at once, before the client looks for it, so every error
 * still counts towards the session and the crash-free rate stays exact.
 */
export class PageSessionClient extends BrowserClient {
  private pageSessionStarted = false;

  public override init(): void {
    super.init();
    whenIdleOrHidden(() =>
      attempt('sending the page session', () => {
        this.startPageSession();
        captureSession();
      }),
    );
  }

  public override captureException(...args: Parameters<BrowserClient['captureException']>): string {
    this.startPageSession();
    return super.captureException(...args);
  }

  public override captureMessage(...args: Parameters<BrowserClient['captureMessage']>): string {
    this.startPageSession();
    return super.captureMessage(...args);
  }

  public override captureEvent(...args: Parameters<BrowserClient['captureEvent']>): string {
    this.startPageSession();
    return super.captureEvent(...args);
  }

  private startPageSession(): void {
    if (this.pageSessionStarted) return;
    this.pageSessionStarted = true;
    startSession({ ignoreDuration: true });
    // A new user (Segment identify, reset) is sent with the session at once, as Sentry does.
    const isolationScope = getIsolationScope();
    let user = isolationScope.getUser();
    isolationScope.addScopeListener((scope) => {
      const next = scope.getUser();
      if (next?.id === user?.id && next?.ip_address === user?.ip_address) return;
      user = next;
      captureSession();
    });
  }
}
