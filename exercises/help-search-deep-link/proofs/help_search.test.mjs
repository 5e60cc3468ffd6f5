// Proofs for the help-search exercise: each test fails on after/ and passes on fixed/.
// The proof runs from <tree>/proofs/, so the code under test is one folder up.
import assert from "node:assert/strict";
import { test } from "node:test";

import { highlight, initHelpSearch } from "../help/search.mjs";

const ARTICLES = [
  { slug: "returns", title: "Returning an item", summary: "Send it back within 30 days for a refund." },
  { slug: "gift-cards", title: "Gift cards (physical and e-gift)", summary: "Buy, send & redeem gift cards." },
];

/** Open /help/search<search> on a stand-in page; returns its parts once the search has run. */
async function openSearch(search) {
  const parts = {
    ".help-query": { value: "", listeners: [], addEventListener(type, fn) { this.listeners.push(fn); } },
    ".help-count": { textContent: "" },
    ".help-results": { innerHTML: "" },
  };
  const doc = { title: "", querySelector: (selector) => parts[selector] };
  const win = { location: { pathname: "/help/search", search }, history: { replaceState() {} } };
  const fetchIndex = async () => ({ ok: true, json: async () => ({ articles: ARTICLES }) });
  await initHelpSearch(doc, win, fetchIndex);
  return parts;
}

test("search_link_cannot_inject_markup", async () => {
  // Someone sends a shopper a "help centre link" whose query is markup. Nothing matches it.
  const payload = "<img src=x onerror=alert(document.cookie)>";
  const parts = await openSearch(`?q=${encodeURIComponent(payload)}`);
  const html = parts[".help-results"].innerHTML;
  assert.doesNotMatch(html, /<img\b/i, `the link puts live markup into the page: ${html}`);
  assert.match(html, /&lt;img src=x onerror=alert\(document\.cookie\)&gt;/, "the query is shown as text");
});

/** highlight(), with a thrown error turned into a failed assertion that names the query. */
function marked(text, query) {
  try {
    return highlight(text, query);
  } catch (err) {
    assert.fail(`searching for ${JSON.stringify(query)} throws ${err.name}: ${err.message}`);
  }
}

test("query_with_regex_characters_is_searched_literally", async () => {
  // Shoppers type brackets, plus signs and question marks; each must match itself.
  assert.equal(marked("Gift cards (physical and e-gift)", "(physical"), "Gift cards <mark>(physical</mark> and e-gift)");
  assert.equal(marked("Returning an item", "?"), "Returning an item");
  assert.equal(marked("Version 1.5", "."), "Version 1<mark>.</mark>5");
  const parts = await openSearch("?q=%28physical").catch((err) => assert.fail(`opening ?q=(physical fails: ${err.message}`));
  assert.match(parts[".help-results"].innerHTML, /<mark>\(physical<\/mark>/);
});
