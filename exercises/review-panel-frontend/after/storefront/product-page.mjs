/** Product page wiring: finds each widget's root element and starts it. */

import { ReviewPanel } from "./reviews/panel.mjs";

/** @param {Document} document */
export function initProductPage(document) {
  const reviews = document.querySelector("#reviews");
  if (reviews) {
    const panel = new ReviewPanel(reviews, reviews.dataset.productId);
    const form = reviews.querySelector(".review-search");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      panel.search(form.elements.q.value, form.elements.stars.value);
    });
    reviews.querySelector(".load-more").addEventListener("click", () => panel.loadMore());
    panel.loadMore();
  }
}
