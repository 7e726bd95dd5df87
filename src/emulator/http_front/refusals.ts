/**
 * What a front end answers when it refuses a request before the service sees it: HTTP.sys's
 * own pages for a head it will not read, and the service's 413 for a body over the cap. Over
 * HTTP/1.1 both are written straight onto the connection, which is then closed; over HTTP/2 the
 * 413 is a Response (the stream is refused, the connection stays).
 * @module
 */
import type { BodyRefusal } from "./limits.ts";

/** Why a request head was refused. */
export type HeadRefusal = "request-too-long" | "field-too-long" | "bad-request";

/** Why a request was refused on an HTTP/1.1 connection: its head, or its body over the cap. */
export type Refusal = HeadRefusal | "body-too-large";

const PAGES: Record<HeadRefusal, { title: string; text: string }> = {
  "request-too-long": { title: "Bad Request - Request Too Long", text: "HTTP Error 400. The size of the request headers is too long." },
  "field-too-long": { title: "Bad Request - Header Field Too Long", text: "HTTP Error 400. A request header field is too long." },
  "bad-request": { title: "Bad Request", text: "HTTP Error 400. The request is badly formed." },
};

/** HTTP.sys's error page for a refused head (the body real clients see, CRLF line ends). */
export function headRefusalPage(refusal: HeadRefusal): string {
  const page = PAGES[refusal];
  return '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
    '<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
    `<BODY><h2>${page.title}</h2>\r\n<hr><p>${page.text}</p>\r\n</BODY></HTML>\r\n`;
}

/** The complete HTTP/1.1 response (status line, HTTP.sys's headers, page) for a refused head. */
export function headRefusalBytes(refusal: HeadRefusal, now: Date = new Date()): Uint8Array {
  const body = headRefusalPage(refusal);
  const head = [
    "HTTP/1.1 400 Bad Request",
    "Content-Type: text/html; charset=us-ascii",
    "Server: Microsoft-HTTPAPI/2.0",
    `Date: ${now.toUTCString()}`,
    "Connection: close",
    `Content-Length: ${body.length}`,
  ].join("\r\n");
  return new TextEncoder().encode(`${head}\r\n\r\n${body}`);
}

/** The complete HTTP/1.1 response for a refusal, in the style of the service for a body over the cap. */
export function refusalBytes(refusal: Refusal, style: BodyRefusal, now: Date = new Date()): Uint8Array {
  if (refusal !== "body-too-large") return headRefusalBytes(refusal, now);
  const body = style === "arm" ? JSON.stringify(ARM_BODY_TOO_LARGE) : "";
  const head = [
    "HTTP/1.1 413 Request Entity Too Large",
    ...(style === "arm" ? ["Content-Type: application/json; charset=utf-8"] : []),
    `Date: ${now.toUTCString()}`,
    "Connection: close",
    `Content-Length: ${new TextEncoder().encode(body).length}`,
  ].join("\r\n");
  return new TextEncoder().encode(`${head}\r\n\r\n${body}`);
}

/** ARM's refusal of a body over 4 MB. */
export const ARM_BODY_TOO_LARGE = {
  error: { code: "RequestContentTooLarge", message: "The request content size exceeds the maximum size of 4 MB." },
} as const;

/** The 413 for a body over the cap, in the style of the service. */
export function bodyRefusalResponse(style: BodyRefusal): Response {
  if (style === "arm") {
    return new Response(JSON.stringify(ARM_BODY_TOO_LARGE), { status: 413, headers: { "Content-Type": "application/json; charset=utf-8" } });
  }
  return new Response(null, { status: 413 });
}
