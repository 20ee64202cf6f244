import type { Event, Integration } from '@sentry/core';

/**
 * A client-side cap on events per page, on top of Sentry's dedupe: an error thrown on every
 * animation frame, or thousands in a loop with different messages, would otherwise send an envelope
 * each. A token bucket: a burst of BURST events, then one more every REFILL_MS. What is over the
 * budget is dropped (Sentry counts it in its client reports).
 */
export const EVENT_BUDGET = { BURST: 50, REFILL_MS: 1000 } as const;

export function eventBudgetIntegration(now: () => number = Date.now): Integration {
  let tokens: number = EVENT_BUDGET.BURST;
  let refilledAt = now();
  return {
    name: 'SegmentSentryEventBudget',
    processEvent(event: Event): Event | null {
      const time = now();
      const earned = Math.floor((time - refilledAt) / EVENT_BUDGET.REFILL_MS);
      if (earned > 0) {
        tokens = Math.min(EVENT_BUDGET.BURST, tokens + earned);
        refilledAt += earned * EVENT_BUDGET.REFILL_MS;
      }
      if (tokens < 1) return null;
      tokens--;
      return event;
    },
  };
}
