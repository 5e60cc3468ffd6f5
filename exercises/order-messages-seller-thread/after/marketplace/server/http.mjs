/** Request and response helpers shared by the API's routes. */

import { text } from "node:stream/consumers";

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

/** The request body parsed as JSON; 400 when it is empty or not JSON. */
export async function readJson(req) {
  const raw = await text(req);
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
 * 401 without a session, 404 for an unknown order.
 */
export async function withOrder(store, req, res, id, handler) {
  const user = authenticate(store, req);
  if (!user) {
    return sendJson(res, 401, { error: "sign in first" });
  }
  const order = store.orders.get(id);
  if (!order) {
    return sendJson(res, 404, { error: "no such order" });
  }
  return handler(user, order);
}
