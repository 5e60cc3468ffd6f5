/** Text helpers shared by the server's routes. */

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escape a value for an HTML text node or a double-quoted attribute value.
 * @param {unknown} value
 */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/** "£38.00" from 3800. */
export function formatPounds(cents) {
  return `£${(cents / 100).toFixed(2)}`;
}
