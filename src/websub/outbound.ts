/**
 * The hub's requests to subscribers' callbacks. Each has a deadline, follows no redirect (a 3xx
 * is an answer, not a pointer: a callback could otherwise send the hub to a host --hub-allow
 * refuses), and reads at most a small part of the answer.
 */

export interface OutboundOptions {
  readonly timeoutMs: number;
  /** Most bytes of a response body read; the rest is discarded unread. */
  readonly maxBodyBytes: number;
  /** Aborts the request early (the hub stopping). */
  readonly signal?: AbortSignal;
}

export interface Outcome {
  /** HTTP status, or 0 when no answer came (refused, reset, timed out). */
  readonly status: number;
  /** The first `maxBodyBytes` bytes of the body, as UTF-8. */
  readonly body: string;
  readonly error?: string;
}

export async function callOut(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Uint8Array },
  options: OutboundOptions,
): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: { 'User-Agent': 'seedfeed-websub-hub', ...init.headers },
      body: init.body as Uint8Array<ArrayBuffer> | undefined,
      redirect: 'manual',
      signal: options.signal ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal]) : AbortSignal.timeout(options.timeoutMs),
    });
    const body = await readCapped(response, options.maxBodyBytes);
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: '', error: describe(error) };
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    // Stop reading; whatever the callback still sends is dropped with the connection.
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

function describe(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
