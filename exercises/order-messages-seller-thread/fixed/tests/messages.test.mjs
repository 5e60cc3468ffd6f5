import assert from "node:assert/strict";
import { test } from "node:test";

import { createApp } from "../marketplace/server/app.mjs";
import { MAX_MESSAGE_LENGTH, THREAD_LIMIT } from "../marketplace/server/messages.mjs";
import { createStore } from "../marketplace/server/store.mjs";
import { call } from "./helpers.mjs";

const PATH = "/api/orders/ord-1001/messages";

test("the buyer and the shop exchange messages on an order", async () => {
  const app = createApp(createStore());
  assert.equal((await call(app, "POST", PATH, { token: "t-ana", body: { text: "Could you gift-wrap the mugs?" } })).status, 201);
  assert.equal((await call(app, "POST", PATH, { token: "t-kiln", body: { text: "Of course, no charge." } })).status, 201);

  const asBuyer = await call(app, "GET", PATH, { token: "t-ana" });
  assert.equal(asBuyer.status, 200);
  assert.equal(asBuyer.body.role, "buyer");
  assert.deepEqual(
    asBuyer.body.messages.map((m) => [m.senderLabel, m.mine]),
    [
      ["You", true],
      ["Kiln & Kettle", false],
    ],
  );

  const asSeller = await call(app, "GET", PATH, { token: "t-kiln" });
  assert.deepEqual(
    asSeller.body.messages.map((m) => m.senderLabel),
    ["Buyer", "You"],
  );
});

test("a message body is escaped, its links are clickable and its line breaks kept", async () => {
  const app = createApp(createStore());
  const text = "Is it <b>microwave</b> safe?\nSee https://kiln.example/care?a=1&b=2";
  const res = await call(app, "POST", PATH, { token: "t-ana", body: { text } });
  assert.equal(
    res.body.html,
    "Is it &lt;b&gt;microwave&lt;/b&gt; safe?<br>See " +
      '<a href="https://kiln.example/care?a=1&amp;b=2" rel="nofollow noopener noreferrer" target="_blank">' +
      "https://kiln.example/care?a=1&amp;b=2</a>",
  );
});

test("an empty message is refused", async () => {
  const app = createApp(createStore());
  const res = await call(app, "POST", PATH, { token: "t-ana", body: { text: "   \n " } });
  assert.equal(res.status, 400);
});

test("a message over the limit is refused", async () => {
  const app = createApp(createStore());
  const res = await call(app, "POST", PATH, { token: "t-ana", body: { text: "x".repeat(MAX_MESSAGE_LENGTH + 1) } });
  assert.equal(res.status, 413);
  assert.equal((await call(app, "GET", PATH, { token: "t-ana" })).body.messages.length, 0);
});

test("a thread sends its most recent messages and counts the earlier ones", async () => {
  const store = createStore();
  const app = createApp(store);
  for (let i = 1; i <= THREAD_LIMIT + 3; i += 1) {
    await call(app, "POST", PATH, { token: "t-ana", body: { text: `note ${i}` } });
  }
  const res = await call(app, "GET", PATH, { token: "t-ana" });
  assert.equal(res.body.messages.length, THREAD_LIMIT);
  assert.equal(res.body.earlier, 3);
  assert.equal(res.body.messages.at(-1).html, `note ${THREAD_LIMIT + 3}`);
});

test("another buyer's order and its messages are not found", async () => {
  const app = createApp(createStore());
  // ord-1002 exists and is Ben's: a 404 here is about ownership, not a missing order.
  for (const path of ["/api/orders/ord-1002", "/api/orders/ord-1002/messages"]) {
    const res = await call(app, "GET", path, { token: "t-ana" });
    assert.equal(res.status, 404, path);
  }
});

test("messages need a session", async () => {
  const app = createApp(createStore());
  assert.equal((await call(app, "GET", PATH)).status, 401);
  assert.equal((await call(app, "POST", PATH, { body: { text: "hello" } })).status, 401);
});
