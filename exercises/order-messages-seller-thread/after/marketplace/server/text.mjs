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

/**
 * Make the https links in escaped text clickable. The text must already be escaped: a link
 * then holds no quote or angle bracket, and only `https://` is matched.
 * @param {string} escaped
 */
export function linkify(escaped) {
  return escaped.replace(
    /\bhttps:\/\/[^\s<>"']+/g,
    (url) => `<a href="${url}" rel="nofollow noopener noreferrer" target="_blank">${url}</a>`,
  );
}
