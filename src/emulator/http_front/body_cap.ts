/**
 * The request-body cap where requests arrive as `Request`s: the only one for HTTP/2 (whose
 * frames the front does not decode), a second line behind the HTTP/1.1 framer. A declared
 * `Content-Length` over the cap is refused before a byte of the body is read, and a body without
 * one (HTTP/2 DATA frames) is counted as the service reads it and refused as soon as it passes
 * the cap, so the emulator never holds more than the cap of any body. Over HTTP/2 the answer
 * ends the stream; the connection stays, as it should.
 * @module
 */
import type { FrontLimits } from "./limits.ts";
import { bodyRefusalResponse } from "./refusals.ts";

/** A request handler that may be wrapped by {@link withBodyCap}. */
export type RequestHandler = (request: Request) => Response | Promise<Response>;

/** Answers `request` with `handler`, unless its body is over `limits.maxBodyBytes`. */
export async function withBodyCap(request: Request, limits: Pick<FrontLimits, "maxBodyBytes" | "bodyRefusal">, handler: RequestHandler): Promise<Response> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limits.maxBodyBytes) return bodyRefusalResponse(limits.bodyRefusal);
  if (request.body === null || declared !== null) return await handler(request);
  let overflow = false;
  let seen = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limits.maxBodyBytes) {
          overflow = true;
          controller.error(new RangeError(`request body over ${limits.maxBodyBytes} bytes`));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  // Built from parts: copying `request` would copy its signal, which Deno.serve warns about.
  const capped = new Request(request.url, { method: request.method, headers: request.headers, body: counted });
  try {
    const response = await handler(capped);
    return overflow ? bodyRefusalResponse(limits.bodyRefusal) : response;
  } catch (error) {
    if (overflow) return bodyRefusalResponse(limits.bodyRefusal);
    throw error;
  }
}
