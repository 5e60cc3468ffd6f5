import assert from "node:assert/strict";
import { test } from "node:test";

import { renderReviewCard, renderReviewList, stars } from "../storefront/reviews/cards.mjs";
import { hasMorePages, summaryLine } from "../storefront/reviews/panel.mjs";

const review = {
  id: "r-1",
  rating: 4,
  body: "Fits well <b>and</b> washes fine",
  createdAt: "2026-02-11T09:30:00Z",
  author: { name: "Sam & Alex", website: "https://sam-and-alex.example/blog" },
  verified: true,
  helpfulVotes: 3,
  photos: [{ id: "p 1", caption: "On the <trail>" }],
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

test("a card links the reviewer's website and shows badge, votes and photos", () => {
  const html = renderReviewCard(review);
  assert.match(html, /<a class="reviewer" href="https:\/\/sam-and-alex\.example\/blog"/);
  assert.match(html, /Verified purchase/);
  assert.match(html, /3 people found this helpful/);
  assert.match(html, /reviews\/p%201\/thumb\.jpg/);
  assert.match(html, /alt="On the &lt;trail&gt;"/);
});

test("an empty list says so", () => {
  assert.match(renderReviewList([]), /No reviews yet/);
});

test("the summary names the filter", () => {
  assert.equal(summaryLine(1, {}), "1 review");
  assert.equal(summaryLine(12, { query: "zip", minStars: 4 }), "12 reviews with 4+ stars mentioning “zip”");
});

test("load more is offered until the last page", () => {
  assert.equal(hasMorePages(1, 30), true);
  assert.equal(hasMorePages(3, 30), false);
  assert.equal(hasMorePages(1, 4), false);
});
