import assert from "node:assert/strict";
import { test } from "node:test";

import { createApp } from "../marketplace/server/app.mjs";
import { createStore } from "../marketplace/server/store.mjs";
import { call } from "./helpers.mjs";

test("the buyer sees their order", async () => {
  const app = createApp(createStore());
  const res = await call(app, "GET", "/api/orders/ord-1001", { token: "t-ana" });
  assert.equal(res.status, 200);
  assert.equal(res.body.total, "£38.00");
  assert.equal(res.body.role, "buyer");
});

test("the shop sees the order as its seller", async () => {
  const app = createApp(createStore());
  const res = await call(app, "GET", "/api/orders/ord-1001", { token: "t-kiln" });
  assert.equal(res.body.role, "seller");
});

test("a request without a session is refused", async () => {
  const app = createApp(createStore());
  const res = await call(app, "GET", "/api/orders/ord-1001");
  assert.equal(res.status, 401);
});

test("a seller can rename their shop", async () => {
  const store = createStore();
  const res = await call(createApp(store), "PATCH", "/api/shop", { token: "t-kiln", body: { displayName: "  Kiln and Kettle " } });
  assert.equal(res.status, 200);
  assert.equal(store.shops.get("shop-kiln").displayName, "Kiln and Kettle");
});
