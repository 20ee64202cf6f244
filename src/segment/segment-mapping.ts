import type { Breadcrumb, User } from '@sentry/core';
import type { SegmentEvent } from '../loader/protocol';
import { bounded } from './bounded';

export type { SegmentEvent };

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * identify → Sentry user, as Segment's destination did (the traits become the user, the userId its
 * id) plus Sentry's own fields: email, username (traits.username, else traits.name) and the
 * anonymous id as segment_anonymous_id.
 */
export function sentryUser({ userId, anonymousId, traits }: SegmentEvent): User {
  const { email, username, name, id: _traitId, ...otherTraits } = bounded(traits) ?? {};
  const user: User = { ...otherTraits };
  const id = text(userId);
  if (id) user.id = id;
  if (text(email)) user.email = text(email);
  const displayName = text(username) ?? text(name);
  if (displayName) user.username = displayName;
  if (text(username) && name !== undefined) user.name = name;
  const anonymous = text(anonymousId);
  if (anonymous) user.segment_anonymous_id = anonymous;
  return user;
}

export function trackBreadcrumb({ event, properties }: SegmentEvent): Breadcrumb {
  return { category: 'segment.track', message: text(event) ?? '(unnamed event)', data: bounded(properties) };
}

export function pageBreadcrumb({ name, properties }: SegmentEvent, fallbackUrl: string): Breadcrumb {
  return { category: 'segment.page', message: text(name) ?? text(properties?.url) ?? fallbackUrl };
}
