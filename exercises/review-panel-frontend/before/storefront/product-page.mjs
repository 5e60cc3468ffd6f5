/** Product page wiring: finds each widget's root element and starts it. */

import { mountReviewPanel } from "./reviews/panel.mjs";

/** @param {Document} document */
export function initProductPage(document) {
  const reviews = document.querySelector("#reviews");
  if (reviews) {
    mountReviewPanel(reviews, reviews.dataset.productId);
  }
}
