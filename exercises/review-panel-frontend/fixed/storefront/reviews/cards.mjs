/** Review cards for the product page, built as HTML strings (the panel inserts them). */

import { escapeHtml } from "./escape.mjs";

const DATE_FORMAT = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/** Review photos are stored on the media CDN under their upload id. */
export const PHOTO_ORIGIN = "https://media.shop-cdn.example";

/**
 * Five stars, filled up to the rating rounded to a whole star.
 * @param {number} rating
 */
export function stars(rating) {
  const full = Math.max(0, Math.min(5, Math.round(Number(rating) || 0)));
  return "★".repeat(full) + "☆".repeat(5 - full);
}

/**
 * The reviewer's name, linked to the website on their public profile when they gave one.
 * @param {{name: string, website?: string}} author
 */
function reviewerName(author) {
  const name = escapeHtml(author.name);
  const url = webUrl(author.website);
  if (!url) {
    return `<span class="reviewer">${name}</span>`;
  }
  const href = escapeHtml(url);
  return `<a class="reviewer" href="${href}" rel="nofollow ugc noopener" target="_blank">${name}</a>`;
}

/** `value` as an absolute http(s) URL, or null: never a javascript:, data: or vbscript: link. */
function webUrl(value) {
  try {
    const url = new URL(String(value ?? "").trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Thumbnails of the photos attached to a review. */
function photoStrip(photos = []) {
  const thumbs = photos.map(
    (photo) =>
      `<img src="${PHOTO_ORIGIN}/reviews/${encodeURIComponent(photo.id)}/thumb.jpg" ` +
      `alt="${escapeHtml(photo.caption ?? "")}" loading="lazy" width="96" height="96">`,
  );
  return thumbs.length ? `  <div class="photos">${thumbs.join("")}</div>` : "";
}

/**
 * One review as an <article>. Every value from the API is escaped.
 * @param {{id: string, rating: number, body: string, createdAt: string, verified?: boolean,
 *          helpfulVotes?: number, photos?: {id: string, caption?: string}[],
 *          author: {name: string, website?: string}}} review
 */
export function renderReviewCard(review) {
  const helpful = Number(review.helpfulVotes) || 0;
  return [
    `<article class="review" data-review-id="${escapeHtml(review.id)}">`,
    `  <header>`,
    `    <span class="stars" aria-label="${Number(review.rating)} out of 5">${stars(review.rating)}</span>`,
    `    ${reviewerName(review.author)}`,
    review.verified ? `    <span class="badge">Verified purchase</span>` : "",
    `    <time datetime="${escapeHtml(review.createdAt)}">${DATE_FORMAT.format(new Date(review.createdAt))}</time>`,
    `  </header>`,
    `  <p class="body">${escapeHtml(review.body)}</p>`,
    photoStrip(review.photos),
    helpful ? `  <footer>${helpful} ${helpful === 1 ? "person" : "people"} found this helpful</footer>` : "",
    `</article>`,
  ]
    .filter(Boolean)
    .join("\n");
}

/** The cards of a list of reviews, or a note when there are none. */
export function renderReviewList(reviews) {
  if (reviews.length === 0) {
    return `<p class="empty">No reviews yet. Be the first to review this product.</p>`;
  }
  return reviews.map(renderReviewCard).join("\n");
}
