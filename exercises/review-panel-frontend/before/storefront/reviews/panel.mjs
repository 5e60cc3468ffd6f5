/** The reviews panel of the product page. */

import { fetchReviews } from "./api.mjs";
import { renderReviewList } from "./cards.mjs";

/**
 * Fill the panel: a summary line and the first page of reviews.
 * @param {Element} root the panel, holding .review-summary and .review-list
 * @param {string} productId
 * @param {typeof fetch} [fetchImpl]
 */
export async function mountReviewPanel(root, productId, fetchImpl = globalThis.fetch) {
  const summary = root.querySelector(".review-summary");
  const list = root.querySelector(".review-list");
  try {
    const { reviews, total } = await fetchReviews(productId, fetchImpl);
    summary.textContent = `${total} ${total === 1 ? "review" : "reviews"}`;
    list.innerHTML = renderReviewList(reviews);
  } catch (err) {
    console.warn("reviews panel:", err);
    summary.textContent = "Reviews are unavailable right now. Please try again later.";
    list.innerHTML = "";
  }
}
