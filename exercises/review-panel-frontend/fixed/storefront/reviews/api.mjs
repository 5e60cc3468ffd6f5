/** The storefront's reviews API, as the product page calls it. */

export const PAGE_SIZE = 10;

/**
 * One page of a product's reviews, optionally filtered.
 * @param {string} productId
 * @param {{page?: number, query?: string, minStars?: number}} options page counts from 1
 * @param {typeof fetch} fetchImpl
 * @returns {Promise<{reviews: object[], total: number, page: number}>}
 */
export async function fetchReviewPage(productId, { page = 1, query = "", minStars = 0 } = {}, fetchImpl = globalThis.fetch) {
  const params = new URLSearchParams({ page: String(page), limit: String(PAGE_SIZE) });
  if (query) {
    params.set("q", query);
  }
  if (minStars) {
    params.set("min_stars", String(minStars));
  }
  const url = `/api/products/${encodeURIComponent(productId)}/reviews?${params}`;
  const res = await fetchImpl(url, { headers: { Accept: "application/json" } });
  if (!res.ok) {
    throw new Error(`reviews request failed: HTTP ${res.status}`);
  }
  const body = await res.json();
  return { reviews: body.reviews ?? [], total: body.total ?? 0, page };
}
