// Reads a request body with two bounds, so no client can make the tunnel hold memory: at most `limit`
// bytes, and only until `deadline` (a client that stalls or trickles is cut off, in every runtime).
// Past the limit, what still comes is read and dropped (up to DRAIN_BYTES, within the deadline) before
// the refusal: a server that answers while the client is still sending may close the connection under it
// (workerd does), and the client would meet a reset instead of its 413.

export const DRAIN_BYTES = 4 * 1024 * 1024;

export type BodyRead = { body: Uint8Array<ArrayBuffer> } | { refused: 'too large' | 'too slow' | 'unreadable' };

export async function readBody(request: Request, limit: number, deadline: number): Promise<BodyRead> {
  if (!request.body) return { body: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let dropped = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
  });
  const stop = (refused: 'too large' | 'too slow' | 'unreadable'): BodyRead => {
    // Not awaited: cancelling a stalled stream may itself wait on the client.
    reader.cancel().catch(() => undefined);
    return { refused };
  };
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]).catch(() => 'failed' as const);
      if (next === 'late') return stop(size > limit ? 'too large' : 'too slow');
      if (next === 'failed') return stop(size > limit ? 'too large' : 'unreadable');
      if (next.done) break;
      if (size > limit) {
        dropped += next.value.byteLength;
        if (dropped > DRAIN_BYTES) return stop('too large');
        continue;
      }
      size += next.value.byteLength;
      if (size > limit) chunks.length = 0;
      else chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  if (size > limit) return { refused: 'too large' };
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { body };
}
