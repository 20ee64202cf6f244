// Which pages may send through the tunnel, and the CORS answer they get. A tunnel on the page's own
// origin needs no CORS: without `allowedOrigins`, a browser request from another site (Sec-Fetch-Site:
// cross-site or same-site) is refused and no answer carries CORS headers. With `allowedOrigins`, a
// request must come from one of them (its Origin, else its Referer's origin), and those get CORS.

export type OriginCheck = { allowed: true; cors: Record<string, string> } | { allowed: false; reason: string };

// The SDK reads these from the ingest's answer for its rate limiting; across origins it must be told it may.
const EXPOSED = 'Retry-After, X-Sentry-Rate-Limits';

function requestOrigin(request: Request): string | undefined {
  const origin = request.headers.get('Origin');
  if (origin && origin !== 'null') return origin;
  const referer = request.headers.get('Referer');
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/** Normalises the configured origins (`https://Shop.Example:443/` → `https://shop.example`); throws on one that is not. */
export function parseAllowedOrigins(origins: readonly string[] | undefined): Set<string> | undefined {
  if (!origins) return undefined;
  return new Set(
    origins.map((value) => {
      let url: URL | undefined;
      try {
        url = new URL(value);
      } catch {
        // reported below
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        throw new TypeError(`segment-sentry/tunnel: allowedOrigins: "${value}" is not an http(s) origin such as https://shop.example`);
      }
      return url.origin;
    }),
  );
}

export function checkOrigin(request: Request, allowedOrigins: Set<string> | undefined): OriginCheck {
  if (!allowedOrigins) {
    const site = request.headers.get('Sec-Fetch-Site');
    if (site === 'cross-site' || site === 'same-site') {
      return { allowed: false, reason: 'this tunnel takes envelopes from its own origin only (see allowedOrigins)' };
    }
    return { allowed: true, cors: {} };
  }
  const origin = requestOrigin(request);
  if (!origin || !allowedOrigins.has(origin)) return { allowed: false, reason: 'this tunnel does not take envelopes from that origin' };
  return { allowed: true, cors: { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED, Vary: 'Origin' } };
}
