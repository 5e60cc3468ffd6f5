import assert from "node:assert/strict";
import { test } from "node:test";

import { countText, matchArticles, resultHtml } from "../help/search.mjs";

export const ARTICLES = [
  { slug: "returns", title: "Returning an item", summary: "Send it back within 30 days for a refund." },
  { slug: "gift-cards", title: "Gift cards (physical and e-gift)", summary: "Buy, send & redeem gift cards." },
  { slug: "late-delivery", title: "My order is late", summary: "What to do when a delivery is late." },
];

test("every word of the query must match, in any case", () => {
  assert.deepEqual(matchArticles(ARTICLES, "LATE order").map((a) => a.slug), ["late-delivery"]);
  assert.equal(matchArticles(ARTICLES, "").length, 3);
});

test("a result links to its article and escapes its text", () => {
  const html = resultHtml(ARTICLES[1]);
  assert.match(html, /<a href="\/help\/articles\/gift-cards">Gift cards \(physical and e-gift\)<\/a>/);
  assert.match(html, /send &amp; redeem/);
});

test("the count says article or articles", () => {
  assert.equal(countText(1), "1 article");
  assert.equal(countText(0), "0 articles");
});
