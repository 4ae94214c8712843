/**
 * Answer an intercepted request (`Fetch.fulfillRequest`) with a body base64-encoded by Node's Buffer.
 * Puppeteer's `HTTPRequest.respond()` encodes bodies with `String.fromCodePoint` over 64 kB chunks and
 * `btoa`: about 100 ms of CPU for PDFium's 4 MB of WebAssembly, and more for every font of every page
 * load; Buffer does it natively in a few milliseconds. Same protocol call, same bytes on the wire.
 * Falls back to `respond()` if a Puppeteer version no longer exposes the request's session.
 */
import { randomBytes } from 'node:crypto';
import type { HTTPRequest } from 'puppeteer-core';

interface CdpRequest {
  client?: { send(method: string, params: object): Promise<unknown>; connection?(): unknown };
  _interceptionId?: string;
  interception?: { handled: boolean };
}

const statusText: Record<number, string> = { 200: 'OK' };

/**
 * Puppeteer connections whose transport is pool.ts's pipe, which writes a large body itself (see
 * `bodyParts`): for them a body of `streamFrom` bytes or more goes in the message as a token.
 */
export const streamingConnections = new WeakSet<object>();
const streamFrom = 256 * 1024;
/** Bodies given as a token, until the pipe writes the message that names them. */
const streamed = new Map<string, Uint8Array>();
const tokenPrefix = `briefpress-body-${randomBytes(6).toString('hex')}-`;
let tokens = 0;

/**
 * The message to write, in parts, when it names a body given as a token: the JSON before the
 * token, the body base64-encoded 48 kB at a time, the JSON after. A large body (PDFium's 4 MB of
 * WebAssembly) so never exists as one base64 string, nor in the message's string and its copy as
 * bytes: ~16 MB less at a one-brief build's peak, and no megabyte strings left for a full GC.
 */
export function bodyParts(message: string): (string | Buffer)[] | undefined {
  if (streamed.size === 0) return undefined;
  for (const [token, bytes] of streamed) {
    const at = message.indexOf(`"${token}"`);
    if (at === -1) continue;
    streamed.delete(token);
    const parts: (string | Buffer)[] = [message.slice(0, at + 1)];
    // 3 bytes are 4 base64 characters: chunks of a multiple of 3 bytes join into the body's base64.
    const chunk = 3 * 16_384;
    for (let i = 0; i < bytes.byteLength; i += chunk) {
      parts.push(Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(chunk, bytes.byteLength - i)).toString('base64'), 'latin1'));
    }
    parts.push(message.slice(at + 1 + token.length));
    return parts;
  }
  return undefined;
}

export function fulfill(req: HTTPRequest, answer: { status?: number; contentType: string; body: string | Uint8Array; headers?: Record<string, string> }): Promise<unknown> {
  const raw = req as unknown as CdpRequest;
  const status = answer.status ?? 200;
  if (!raw.client || raw._interceptionId === undefined || !raw.interception || raw.interception.handled || status !== 200) {
    return req.respond({ status, contentType: answer.contentType, body: typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body), headers: answer.headers });
  }
  const bytes = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
  // The headers as respond() sends them: the given ones lower-cased, then content-type and content-length.
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k.toLowerCase()] = String(v);
  headers['content-type'] = answer.contentType;
  if (!('content-length' in headers)) headers['content-length'] = String(bytes.byteLength);
  raw.interception.handled = true;
  const connection = raw.client.connection?.();
  const token = bytes.byteLength >= streamFrom && connection && streamingConnections.has(connection) ? `${tokenPrefix}${++tokens}` : undefined;
  if (token) streamed.set(token, bytes);
  const sent = raw.client.send('Fetch.fulfillRequest', {
    requestId: raw._interceptionId,
    responseCode: status,
    responsePhrase: statusText[status],
    responseHeaders: Object.entries(headers).map(([name, value]) => ({ name, value })),
    body: token ?? bytes.toString('base64'),
  });
  // The pipe takes the body as the message is sent (at once): one left here was never sent (the session had closed).
  if (token) streamed.delete(token);
  return sent;
}
