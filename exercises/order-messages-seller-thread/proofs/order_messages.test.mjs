// Proofs for the order-messages exercise: each test fails on after/ and passes on fixed/.
// The proof runs from <tree>/proofs/, so the code under test is one folder up.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";

import { messageHtml } from "../marketplace/client/messages/thread.mjs";
import { createApp } from "../marketplace/server/app.mjs";
import { readJson } from "../marketplace/server/http.mjs";
import { createStore } from "../marketplace/server/store.mjs";

/** One request to the API's handler, in memory: {status, body}. */
async function call(app, method, path, token, body) {
  const req = Readable.from(body === undefined ? [] : [Buffer.from(JSON.stringify(body))]);
  Object.assign(req, { method, url: path, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const res = { status: 0, text: "" };
  await app(req, {
    writeHead: (code) => (res.status = code),
    end: (chunk = "") => (res.text += chunk),
  });
  return { status: res.status, body: res.text ? JSON.parse(res.text) : null };
}

test("shop_name_cannot_run_script_in_buyer_page", async () => {
  // A seller names their shop (1-60 characters, the only rule), then answers a buyer.
  const store = createStore();
  const app = createApp(store);
  const hostile = "<img src=x onerror=alert(document.cookie)>";
  assert.equal((await call(app, "PATCH", "/api/shop", "t-kiln", { displayName: hostile })).status, 200);
  assert.equal((await call(app, "POST", "/api/orders/ord-1001/messages", "t-kiln", { text: "Posted today." })).status, 201);

  // The buyer opens the order page: the client renders what the API sent.
  const thread = await call(app, "GET", "/api/orders/ord-1001/messages", "t-ana");
  const html = thread.body.messages.map(messageHtml).join("");
  assert.doesNotMatch(html, /<img\b/i, `the buyer's page gets live markup from the shop's name: ${html}`);
  assert.match(html, /&lt;img src=x onerror=alert\(document\.cookie\)&gt;/, "the shop's name is shown as text");
});

test("another_buyer_cannot_read_or_write_the_thread", async () => {
  // ord-1002 is Ben's order with the shop; Ana is signed in.
  const store = createStore();
  const app = createApp(store);
  assert.equal((await call(app, "POST", "/api/orders/ord-1002/messages", "t-ben", { text: "Deliver to my office, please: 4 Mill Lane." })).status, 201);

  const read = await call(app, "GET", "/api/orders/ord-1002/messages", "t-ana");
  assert.equal(read.status, 404, `Ana reads Ben's thread: ${JSON.stringify(read.body)}`);
  const summary = await call(app, "GET", "/api/orders/ord-1002", "t-ana");
  assert.equal(summary.status, 404, `Ana reads Ben's order: ${JSON.stringify(summary.body)}`);
  const write = await call(app, "POST", "/api/orders/ord-1002/messages", "t-ana", { text: "Refund sent, see https://refund.example" });
  assert.equal(write.status, 404, "Ana posts into Ben's thread");
  assert.equal(store.messages.get("ord-1002").length, 1);
});

test("authorisation_test_fails_on_a_server_without_the_check", () => {
  // Run the PR's own test against a copy of the tree whose ownership rule lets anyone see any
  // order. A test of "another buyer's order is not found" must fail there.
  const tree = process.env.EXERCISE_TREE;
  const copy = mkdtempSync(join(tmpdir(), "order-messages-mutant-"));
  try {
    cpSync(tree, copy, { recursive: true });
    const access = join(copy, "marketplace/server/access.mjs");
    const roleOn = readFileSync(access, "utf8").slice(readFileSync(access, "utf8").indexOf("/** The user's side"));
    writeFileSync(access, `export function canSeeOrder() {\n  return true;\n}\n\n${roleOn}`);
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(
      process.execPath,
      ["--test", "--test-reporter=tap", "--test-name-pattern=^another buyer's order and its messages are not found$", "tests/messages.test.mjs"],
      { cwd: copy, env, encoding: "utf8", timeout: 30_000 },
    );
    const name = "another buyer's order and its messages are not found";
    const outcome = run.stdout.split("\n").find((line) => /^(not )?ok \d+ - /.test(line) && line.endsWith(` - ${name}`));
    assert.ok(outcome, `the PR's test did not run:\n${run.stdout}${run.stderr}`);
    assert.match(outcome, /^not ok/, "the PR's authorisation test passes on a server that shows every order to every buyer");
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test("oversized_body_is_refused_before_it_is_buffered", async () => {
  // A client streams 16 MiB at POST /messages; the server should stop reading early.
  let served = 0;
  async function* body() {
    for (let i = 0; i < 256; i += 1) {
      served += 1;
      yield Buffer.alloc(64 * 1024, 0x20);
    }
  }
  const req = Object.assign(body(), { method: "POST", headers: { "content-type": "application/json" } });
  await assert.rejects(readJson(req), (err) => {
    assert.equal(err.status, 413, `a 16 MiB body is answered ${err.status} "${err.message}" after all of it was read`);
    return true;
  });
  assert.ok(served <= 2, `the server read ${served} chunks of 64 KiB (${served / 16} MiB) into memory before refusing`);
});
