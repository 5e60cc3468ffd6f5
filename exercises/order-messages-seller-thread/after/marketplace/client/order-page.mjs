/**
 * The order page in the buyer's and the seller's account: a summary of one order, and the
 * messages between the buyer and the shop. The page's HTML has
 * `<section id="order" data-order-id="...">` with the elements below.
 */

import { getJson } from "./http.mjs";
import { MessageThread } from "./messages/thread.mjs";

/** Fill the summary from the API's order document. */
export function renderSummary(root, order) {
  root.querySelector(".order-title").textContent = order.title;
  root.querySelector(".order-status").textContent = order.status;
  root.querySelector(".order-total").textContent = order.total;
}

/** Wire the messages panel's box and button to `thread`. */
function wireComposer(panel, thread) {
  panel.querySelector(".message-input").addEventListener("input", () => thread.updateCounter());
  panel.querySelector(".message-form").addEventListener("submit", (event) => {
    event.preventDefault();
    thread.send();
  });
  thread.updateCounter();
}

/**
 * Load the order named by the section's `data-order-id` and show it, then its messages.
 * @param {{dataset: {orderId: string}, querySelector(selector: string): any}} root
 */
export async function initOrderPage(root, fetchImpl = globalThis.fetch) {
  const id = root.dataset.orderId;
  try {
    renderSummary(root, await getJson(fetchImpl, `/api/orders/${encodeURIComponent(id)}`));
  } catch (err) {
    console.warn(err);
    root.querySelector(".order-title").textContent = "This order could not be loaded.";
    return;
  }
  const panel = root.querySelector(".messages");
  const thread = new MessageThread(panel, id, fetchImpl);
  await thread.load(); // the list is in place before a message can be appended to it
  wireComposer(panel, thread);
}
