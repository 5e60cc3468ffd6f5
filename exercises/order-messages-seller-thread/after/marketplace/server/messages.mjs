/**
 * Messages between an order's buyer and the shop that sells it:
 * GET and POST /api/orders/:id/messages.
 *
 * A message is stored as its sender typed it. The API sends it ready for the page: `html` is
 * the body escaped, with its https links made clickable and its line breaks kept, and
 * `senderLabel` says who wrote it from the viewer's side.
 */

import { roleOn } from "./access.mjs";
import { HttpError, readJson, sendJson } from "./http.mjs";
import { escapeHtml, linkify } from "./text.mjs";

/** The longest message, in characters after trimming (the page's counter uses the same). */
export const MAX_MESSAGE_LENGTH = 2000;

/** A thread sends its most recent messages; older ones are counted in `earlier`. */
export const THREAD_LIMIT = 50;

/** The order's messages, oldest first. */
function threadOf(store, orderId) {
  if (!store.messages.has(orderId)) {
    store.messages.set(orderId, []);
  }
  return store.messages.get(orderId);
}

/** "You" for the viewer's own messages; the shop's name for the seller's; "Buyer" for the buyer's. */
function senderLabel(store, message, viewer, order) {
  if (message.authorId === viewer.id) {
    return "You";
  }
  if (message.role === "seller") {
    return store.shops.get(order.shopId).displayName;
  }
  return "Buyer";
}

/** One message as the API sends it to `viewer`. */
export function presentMessage(store, message, viewer, order) {
  return {
    id: message.id,
    sentAt: message.sentAt,
    mine: message.authorId === viewer.id,
    senderLabel: senderLabel(store, message, viewer, order),
    html: linkify(escapeHtml(message.body)).replaceAll("\n", "<br>"),
  };
}

/** GET /api/orders/:id/messages */
export function listMessages(store, req, res, user, order) {
  const thread = threadOf(store, order.id);
  const recent = thread.slice(-THREAD_LIMIT);
  return sendJson(res, 200, {
    order: { id: order.id, title: order.title },
    role: roleOn(user, order),
    messages: recent.map((message) => presentMessage(store, message, user, order)),
    earlier: thread.length - recent.length,
  });
}

/** POST /api/orders/:id/messages with `{"text": "..."}`: 201 and the new message. */
export async function postMessage(store, req, res, user, order, now = Date.now) {
  const body = await readJson(req);
  const text = typeof body?.text === "string" ? body.text.replaceAll("\r\n", "\n").trim() : "";
  if (!text) {
    throw new HttpError(400, "a message needs some text");
  }
  if (text.length > MAX_MESSAGE_LENGTH) {
    throw new HttpError(413, `a message is at most ${MAX_MESSAGE_LENGTH} characters`);
  }
  const message = {
    id: `msg-${store.nextMessageId++}`,
    authorId: user.id,
    role: roleOn(user, order),
    body: text,
    sentAt: new Date(now()).toISOString(),
  };
  threadOf(store, order.id).push(message);
  return sendJson(res, 201, presentMessage(store, message, user, order));
}
