/**
 * Small helpers the emulator's servers share: JSON responses, path matching, body parsing.
 * @module
 */

/** Builds a JSON response with extra headers. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

/** Reads a request body as JSON; returns `{ error }` when it is not valid JSON. */
export async function readJson(request: Request): Promise<{ value: unknown } | { error: string }> {
  const text = await request.text();
  if (text.trim() === "") return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The bearer token of a request, or undefined when there is none. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match ? match[1].trim() : undefined;
}

/** Generates a GUID. */
export function guid(): string {
  return crypto.randomUUID();
}

/** Whether a string is a GUID. */
export function isGuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}

/** Current time in Unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Bodies larger than this are cut off rather than read to the end when a request is refused early. */
const DRAIN_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Reads and discards a request body the server refuses before looking at it (401 challenge, bad
 * api-version, unknown tenant). Cancelling it instead resets the HTTP/2 stream, and clients such
 * as curl then report `Stream error in the HTTP/2 framing layer` instead of the error body.
 */
export async function drainBody(request: Request): Promise<void> {
  const body = request.body;
  if (!body || request.bodyUsed) return;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read <= DRAIN_LIMIT_BYTES) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away; nothing to drain.
  } finally {
    reader.releaseLock();
  }
}
