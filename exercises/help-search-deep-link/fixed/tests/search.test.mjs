import assert from "node:assert/strict";
import { test } from "node:test";

import { countText, highlight, initHelpSearch, matchArticles, noResultsHtml, queryFromSearch, resultHtml } from "../help/search.mjs";

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

test("the words of the query are highlighted, whatever their case", () => {
  assert.equal(highlight("My order is late", "LATE order"), "My <mark>order</mark> is <mark>late</mark>");
  assert.equal(highlight("Buy, send & redeem", "send"), "Buy, <mark>send</mark> &amp; redeem");
  assert.equal(highlight("Returning an item", ""), "Returning an item");
});

test("no results offers the contact form with the query", () => {
  const html = noResultsHtml("lost parcel");
  assert.match(html, /No articles match “lost parcel”/);
  assert.match(html, /href="\/help\/contact\?topic=lost\+parcel"/);
});

test("the query is read from the address", () => {
  assert.equal(queryFromSearch("?q=gift+cards"), "gift cards");
  assert.equal(queryFromSearch("?q=%20late%20"), "late");
  assert.equal(queryFromSearch(""), "");
  assert.equal(queryFromSearch(`?q=${"a".repeat(150)}`).length, 100);
});

test("the count says article or articles", () => {
  assert.equal(countText(1), "1 article");
  assert.equal(countText(0), "0 articles");
});

test("opening a search link shows its results and keeps the address", async () => {
  const parts = { ".help-query": { value: "", addEventListener() {} }, ".help-count": {}, ".help-results": {} };
  const doc = { title: "", querySelector: (selector) => parts[selector] };
  const addresses = [];
  const win = { location: { pathname: "/help/search", search: "?q=late" }, history: { replaceState: (_, __, url) => addresses.push(url) } };
  const fetchIndex = async () => ({ ok: true, json: async () => ({ articles: ARTICLES }) });
  await initHelpSearch(doc, win, fetchIndex);
  assert.equal(parts[".help-count"].textContent, "1 article");
  assert.match(parts[".help-results"].innerHTML, /<mark>late<\/mark>/);
  assert.equal(doc.title, "“late” – Help centre");
  assert.deepEqual(addresses, ["?q=late"]);
});
