import assert from "node:assert/strict";
import { test } from "node:test";

import { MessageThread, counterText, earlierNote, messageHtml } from "../marketplace/client/messages/thread.mjs";
import { fakeFetch, fakePanel } from "./helpers.mjs";

const message = {
  id: "msg-7",
  sentAt: "2026-03-14T16:05:00.000Z",
  mine: false,
  senderLabel: "Kiln & Kettle",
  html: 'Posted today, tracking at <a href="https://track.example/KK1">https://track.example/KK1</a>',
};

test("a message shows its sender, the time it was sent and its body", () => {
  const html = messageHtml(message);
  assert.match(html, /<li class="message" data-message-id="msg-7">/);
  assert.match(html, /<span class="sender">Kiln & Kettle<\/span>/);
  assert.match(html, /<time datetime="2026-03-14T16:05:00.000Z">14 Mar, 16:05<\/time>/);
  assert.match(html, /<a href="https:\/\/track\.example\/KK1">/);
  assert.match(messageHtml({ ...message, mine: true }), /class="message mine"/);
});

test("the counter counts down to the limit", () => {
  assert.equal(counterText(""), "2000 characters left");
  assert.equal(counterText("  hello  "), "1995 characters left");
  assert.equal(counterText("x".repeat(2003)), "3 characters too many");
  assert.equal(earlierNote(1), "1 earlier message is not shown.");
});

test("a loaded thread fills the panel", async () => {
  const panel = fakePanel();
  const thread = { order: { id: "ord-1001", title: "Stoneware mugs, set of 2" }, messages: [message], earlier: 0 };
  await new MessageThread(panel, "ord-1001", fakeFetch(200, thread)).load();
  assert.equal(panel.parts[".message-heading"].textContent, "Messages about Stoneware mugs, set of 2");
  assert.match(panel.parts[".message-list"].innerHTML, /data-message-id="msg-7"/);
  assert.equal(panel.parts[".message-note"].hidden, true);
});

test("a refused message keeps the text and says why", async () => {
  const panel = fakePanel();
  panel.parts[".message-input"].value = "x".repeat(2001);
  const thread = new MessageThread(panel, "ord-1001", fakeFetch(413, { error: "a message is at most 2000 characters" }));
  await thread.send();
  assert.equal(panel.parts[".message-status"].textContent, "Not sent: a message is at most 2000 characters");
  assert.equal(panel.parts[".message-input"].value.length, 2001);
  assert.equal(panel.parts[".message-send"].disabled, true);
});
