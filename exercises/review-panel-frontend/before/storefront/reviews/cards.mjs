/** Review cards for the product page, built as HTML strings (the panel inserts them). */

import { escapeHtml } from "./escape.mjs";

const DATE_FORMAT = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/**
 * Five stars, filled up to the rating rounded to a whole star.
 * @param {number} rating
 */
export function stars(rating) {
  const full = Math.max(0, Math.min(5, Math.round(Number(rating) || 0)));
  return "★".repeat(full) + "☆".repeat(5 - full);
}

/**
 * One review as an <article>. Every value from the API is escaped.
 * @param {{id: string, rating: number, body: string, createdAt: string, author: {name: string}}} review
 */
export function renderReviewCard(review) {
  return [
    `<article class="review" data-review-id="${escapeHtml(review.id)}">`,
    `  <header>`,
    `    <span class="stars" aria-label="${Number(review.rating)} out of 5">${stars(review.rating)}</span>`,
    `    <span class="reviewer">${escapeHtml(review.author.name)}</span>`,
    `    <time datetime="${escapeHtml(review.createdAt)}">${DATE_FORMAT.format(new Date(review.createdAt))}</time>`,
    `  </header>`,
    `  <p class="body">${escapeHtml(review.body)}</p>`,
    `</article>`,
  ].join("\n");
}

/** The cards of a list of reviews, or a note when there are none. */
export function renderReviewList(reviews) {
  if (reviews.length === 0) {
    return `<p class="empty">No reviews yet. Be the first to review this product.</p>`;
  }
  return reviews.map(renderReviewCard).join("\n");
}
