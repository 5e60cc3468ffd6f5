/** The storefront's reviews API, as the product page calls it. */

export const PAGE_SIZE = 10;

/**
 * The first page of a product's reviews.
 * @param {string} productId
 * @param {typeof fetch} fetchImpl
 * @returns {Promise<{reviews: object[], total: number}>}
 */
export async function fetchReviews(productId, fetchImpl = globalThis.fetch) {
  const url = `/api/products/${encodeURIComponent(productId)}/reviews?limit=${PAGE_SIZE}`;
  const res = await fetchImpl(url, { headers: { Accept: "application/json" } });
  if (!res.ok) {
    throw new Error(`reviews request failed: HTTP ${res.status}`);
  }
  const body = await res.json();
  return { reviews: body.reviews, total: body.total };
}
