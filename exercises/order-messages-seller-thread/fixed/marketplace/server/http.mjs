/** Request and response helpers shared by the API's routes. */

import { canSeeOrder } from "./access.mjs";

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Send `body` as JSON with `status`. */
export function sendJson(res, status, body) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** Request bodies are small JSON documents; anything larger is refused. */
const MAX_BODY_BYTES = 16 * 1024;

/** The request body parsed as JSON; 413 past MAX_BODY_BYTES, 400 when it is empty or not JSON. */
export async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, "request body too large");
    }
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw.trim()) {
    throw new HttpError(400, "request body is empty");
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, "request body is not JSON");
  }
}

/**
 * The signed-in user of a request, or null. The account gateway in front of the API checks
 * the session cookie (and refuses cross-site requests), then passes the session on as
 * `Authorization: Bearer <session>`.
 */
export function authenticate(store, req) {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
  const userId = match && store.sessions.get(match[1]);
  return (userId && store.users.get(userId)) || null;
}

/**
 * Run `handler(user, order)` for the signed-in user and the order `id`:
 * 401 without a session, 404 for an unknown order or one the user is not a party to.
 */
export async function withOrder(store, req, res, id, handler) {
  const user = authenticate(store, req);
  if (!user) {
    return sendJson(res, 401, { error: "sign in first" });
  }
  const order = store.orders.get(id);
  if (!order || !canSeeOrder(user, order)) {
    return sendJson(res, 404, { error: "no such order" });
  }
  return handler(user, order);
}
