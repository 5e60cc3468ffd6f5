/**
 * The order page in the buyer's and the seller's account: a summary of one order.
 * The page's HTML has `<section id="order" data-order-id="...">` with the elements below.
 */

/**
 * GET a JSON document from the API with the session cookie; throws on an HTTP error.
 * @param {typeof fetch} fetchImpl
 */
export async function getJson(fetchImpl, path) {
  const res = await fetchImpl(path, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!res.ok) {
    throw new Error(`${path}: HTTP ${res.status}`);
  }
  return res.json();
}

/** Fill the summary from the API's order document. */
export function renderSummary(root, order) {
  root.querySelector(".order-title").textContent = order.title;
  root.querySelector(".order-status").textContent = order.status;
  root.querySelector(".order-total").textContent = order.total;
}

/**
 * Load the order named by the section's `data-order-id` and show it.
 * @param {{dataset: {orderId: string}, querySelector(selector: string): any}} root
 */
export async function initOrderPage(root, fetchImpl = globalThis.fetch) {
  const id = root.dataset.orderId;
  try {
    renderSummary(root, await getJson(fetchImpl, `/api/orders/${encodeURIComponent(id)}`));
  } catch (err) {
    console.warn(err);
    root.querySelector(".order-title").textContent = "This order could not be loaded.";
  }
}
