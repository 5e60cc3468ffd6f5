import assert from "node:assert/strict";
import { test } from "node:test";

import { renderReviewCard, renderReviewList, stars } from "../storefront/reviews/cards.mjs";

const review = {
  id: "r-1",
  rating: 4,
  body: "Fits well <b>and</b> washes fine",
  createdAt: "2026-02-11T09:30:00Z",
  author: { name: "Sam & Alex" },
};

test("stars are rounded and capped", () => {
  assert.equal(stars(3.6), "★★★★☆");
  assert.equal(stars(9), "★★★★★");
  assert.equal(stars(-1), "☆☆☆☆☆");
});

test("a card escapes the review text and the reviewer's name", () => {
  const html = renderReviewCard(review);
  assert.match(html, /Fits well &lt;b&gt;and&lt;\/b&gt; washes fine/);
  assert.match(html, /Sam &amp; Alex/);
  assert.match(html, /11 Feb 2026/);
});

test("an empty list says so", () => {
  assert.match(renderReviewList([]), /No reviews yet/);
});
