/**
 * The marketplace's JSON API, as a plain `node:http` request handler:
 * `http.createServer(createApp(createStore()))`.
 */

import { roleOn } from "./access.mjs";
import { HttpError, authenticate, readJson, sendJson, withOrder } from "./http.mjs";
import { listMessages, postMessage } from "./messages.mjs";
import { formatPounds } from "./text.mjs";

/** GET /api/orders/:id: the order summary its buyer and its shop see. */
function getOrder(store, req, res, user, order) {
  return sendJson(res, 200, {
    id: order.id,
    title: order.title,
    status: order.status,
    total: formatPounds(order.totalCents),
    role: roleOn(user, order),
  });
}

/** PATCH /api/shop: a seller renames their shop (the name buyers see on listings and orders). */
async function updateShop(store, req, res) {
  const user = authenticate(store, req);
  if (!user || !user.shopId) {
    return sendJson(res, 403, { error: "only sellers have a shop" });
  }
  const body = await readJson(req);
  const name = typeof body.displayName === "string" ? body.displayName.trim() : "";
  if (name.length < 1 || name.length > 60) {
    throw new HttpError(400, "displayName must be 1 to 60 characters");
  }
  const shop = store.shops.get(user.shopId);
  shop.displayName = name;
  return sendJson(res, 200, { id: shop.id, displayName: shop.displayName });
}

/**
 * The routes under /api/orders/:id. Each handler is called as
 * `handler(store, req, res, user, order)` once `withOrder` has found the user and the order.
 */
const ORDER_ROUTES = [
  ["GET", /^\/api\/orders\/([\w-]+)$/, getOrder],
  ["GET", /^\/api\/orders\/([\w-]+)\/messages$/, listMessages],
  ["POST", /^\/api\/orders\/([\w-]+)\/messages$/, postMessage],
];

/** The request handler for `store`. */
export function createApp(store) {
  return async function handle(req, res) {
    const url = new URL(req.url, "http://marketplace.internal");
    try {
      for (const [method, pattern, handler] of ORDER_ROUTES) {
        const match = pattern.exec(url.pathname);
        if (match && req.method === method) {
          return await withOrder(store, req, res, match[1], (user, order) => handler(store, req, res, user, order));
        }
      }
      if (url.pathname === "/api/shop" && req.method === "PATCH") {
        return await updateShop(store, req, res);
      }
      return sendJson(res, 404, { error: "not found" });
    } catch (err) {
      if (err instanceof HttpError) {
        return sendJson(res, err.status, { error: err.message });
      }
      console.error(err);
      return sendJson(res, 500, { error: "internal error" });
    }
  };
}
