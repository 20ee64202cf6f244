import { addBreadcrumb, fill, filterCollectedUrl } from '@sentry/core';
import { attempt } from './guard';

/**
 * Same origin as the page: the path, query and fragment alone; sensitive query values (token=, key=, …)
 * filtered (both as Sentry's navigation breadcrumbs).
 */
function relative(href: string): string | undefined {
  const url = new URL(href, location.href);
  return filterCollectedUrl(url.origin === location.origin ? url.pathname + url.search + url.hash : href);
}

/**
 * `navigation` breadcrumbs, from and to, as Sentry's breadcrumbs integration makes them: for each
 * pushState/replaceState with a URL and each popstate that changes the URL. A relative URL is resolved
 * against the page's URL, as the browser does (Sentry resolves it against the origin).
 */
export function recordNavigation(): void {
  let last: string | undefined;
  const navigate = (to: string) => {
    const from = last ?? location.href;
    last = to;
    if (from !== to) addBreadcrumb({ category: 'navigation', data: { from: relative(from), to: relative(to) } });
  };
  addEventListener('popstate', () => attempt('a navigation breadcrumb', () => navigate(location.href)));
  for (const method of ['pushState', 'replaceState'] as const) {
    fill(history, method, (original: History['pushState']) =>
      function (this: History, ...args: Parameters<History['pushState']>) {
        const url = args[2];
        if (url) attempt('a navigation breadcrumb', () => navigate(new URL(String(url), location.href).href));
        return original.apply(this, args);
      },
    );
  }
}
