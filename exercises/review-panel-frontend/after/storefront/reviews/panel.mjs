/** The reviews panel of the product page: search within reviews, a star filter, "Load more". */

import { PAGE_SIZE, fetchReviewPage } from "./api.mjs";
import { renderReviewList } from "./cards.mjs";

/** The line above the list, e.g. `12 reviews with 4+ stars mentioning “zip”`. */
export function summaryLine(total, { query = "", minStars = 0 } = {}) {
  const parts = [`${total} ${total === 1 ? "review" : "reviews"}`];
  if (minStars) {
    parts.push(`with ${minStars}+ stars`);
  }
  if (query) {
    parts.push(`mentioning “${query}”`);
  }
  return parts.join(" ");
}

/** Whether a page after `page` (counted from 1) has reviews in it. */
export function hasMorePages(page, total) {
  const pages = Math.floor(total / PAGE_SIZE);
  return page < pages;
}

export class ReviewPanel {
  /**
   * @param {Element} root the panel, holding .review-summary, .review-list and .load-more
   * @param {string} productId
   * @param {typeof fetch} [fetchImpl]
   */
  constructor(root, productId, fetchImpl = globalThis.fetch) {
    this.productId = productId;
    this.fetchImpl = fetchImpl;
    this.summary = root.querySelector(".review-summary");
    this.list = root.querySelector(".review-list");
    this.more = root.querySelector(".load-more");
    this.filter = { query: "", minStars: 0 };
    this.page = 0;
    this.request = 0;
  }

  /** Start again from the first page with a new search term and star filter. */
  search(query, minStars = 0) {
    this.filter = { query: String(query).trim(), minStars: Number(minStars) || 0 };
    this.page = 0;
    this.list.innerHTML = "";
    return this.loadMore();
  }

  /** Append the next page of reviews for the current filter. */
  async loadMore() {
    const request = ++this.request;
    const page = this.page + 1;
    this.more.disabled = true;
    try {
      const { reviews, total } = await fetchReviewPage(this.productId, { page, ...this.filter }, this.fetchImpl);
      if (request !== this.request) {
        return; // a newer search started while this page was loading
      }
      this.page = page;
      if (reviews.length > 0 || page === 1) {
        this.list.insertAdjacentHTML("beforeend", renderReviewList(reviews));
      }
      this.summary.textContent = summaryLine(total, this.filter);
      this.more.hidden = !hasMorePages(page, total);
    } catch (err) {
      if (request !== this.request) {
        return;
      }
      console.warn("reviews panel:", err);
      this.summary.textContent = "Reviews are unavailable right now. Please try again later.";
      this.more.hidden = true;
    } finally {
      this.more.disabled = false;
    }
  }
}
