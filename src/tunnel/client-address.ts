// The visitor's address as the tunnel can vouch for it. Sentry's ingest takes the leftmost entry of
// X-Forwarded-For as the sender, so a header the visitor wrote must never reach it: by default only the
// address the server itself saw (the peer, or the platform's own such as Cloudflare's CF-Connecting-IP)
// is sent. Behind proxies that append to X-Forwarded-For, `trustedProxies` says how many entries from
// the right they wrote; the one before them is the visitor's (as Express's numeric `trust proxy`).

/** `peerAddress`: the address the server itself saw, the peer's or the platform's. */
export function vouchedClientAddress(request: Request, peerAddress: string | null | undefined, trustedProxies: number): string | undefined {
  if (trustedProxies > 0) {
    const chain = (request.headers.get('X-Forwarded-For') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the request came through fewer of them; the furthest one is still one they wrote.
    if (chain.length > 0) return chain[Math.max(0, chain.length - trustedProxies)];
  }
  return peerAddress?.trim() || undefined;
}
