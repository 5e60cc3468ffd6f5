/**
 * The messages panel on the order page: the thread between the buyer and the shop, and a box
 * to write to the other side.
 *
 * Messages come from GET /api/orders/:id/messages ready to show: `html` is the body already
 * escaped and linkified by the server, so it is inserted as it is (escaping it again here
 * showed `&amp;amp;` and dead links in the first version).
 */

import { getJson, postJson } from "../http.mjs";

/** The same limit as the server's MAX_MESSAGE_LENGTH. */
export const MAX_MESSAGE_LENGTH = 2000;

const SENT_AT = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});

/**
 * One message as a list item.
 * @param {{id: string, sentAt: string, mine: boolean, senderLabel: string, html: string}} message
 */
export function messageHtml(message) {
  const classes = message.mine ? "message mine" : "message";
  const sender = `<span class="sender">${message.senderLabel}</span>`;
  const sent = `<time datetime="${message.sentAt}">${SENT_AT.format(new Date(message.sentAt))}</time>`;

  return (
    `<li class="${classes}" data-message-id="${message.id}">` +
    `<header>${sender} ${sent}</header>` +
    `<div class="body">${message.html}</div>` +
    `</li>`
  );
}

/** "3 earlier messages are not shown." */
export function earlierNote(count) {
  return count === 1 ? "1 earlier message is not shown." : `${count} earlier messages are not shown.`;
}

/** What the counter under the box says for `text`. */
export function counterText(text) {
  const left = MAX_MESSAGE_LENGTH - text.trim().length;
  return left >= 0 ? `${left} characters left` : `${-left} characters too many`;
}

export class MessageThread {
  /**
   * @param {{querySelector(selector: string): any}} root the panel's <section>
   * @param {string} orderId
   * @param {typeof fetch} fetchImpl
   */
  constructor(root, orderId, fetchImpl = globalThis.fetch) {
    this.fetch = fetchImpl;
    this.path = `/api/orders/${encodeURIComponent(orderId)}/messages`;
    this.heading = root.querySelector(".message-heading");
    this.list = root.querySelector(".message-list");
    this.note = root.querySelector(".message-note");
    this.input = root.querySelector(".message-input");
    this.counter = root.querySelector(".message-counter");
    this.button = root.querySelector(".message-send");
    this.status = root.querySelector(".message-status");
    this.sending = false;
  }

  /** Load the thread; on failure say so and keep the box usable. */
  async load() {
    try {
      this.render(await getJson(this.fetch, this.path));
    } catch (err) {
      console.warn(err);
      this.status.textContent = "Messages could not be loaded. Try again in a moment.";
    }
  }

  render(thread) {
    this.heading.textContent = `Messages about ${thread.order.title}`;
    this.list.innerHTML = thread.messages.map(messageHtml).join("");
    this.note.textContent = earlierNote(thread.earlier);
    this.note.hidden = thread.earlier === 0;
  }

  /** Keep the counter and the Send button in step with the box. */
  updateCounter() {
    const text = this.input.value;
    this.counter.textContent = counterText(text);
    this.button.disabled = this.sending || !text.trim() || text.trim().length > MAX_MESSAGE_LENGTH;
  }

  /** Send the box's text; on success append the message and clear the box. */
  async send() {
    const text = this.input.value.trim();
    if (!text || this.sending) {
      return;
    }
    this.sending = true;
    this.updateCounter(); // Send stays disabled until this one is answered
    this.status.textContent = "Sending…";
    try {
      const message = await postJson(this.fetch, this.path, { text });
      this.list.insertAdjacentHTML("beforeend", messageHtml(message));
      if (this.input.value.trim() === text) this.input.value = ""; // keep what was typed since
      this.status.textContent = "";
    } catch (err) {
      this.status.textContent = `Not sent: ${err.message}`;
    } finally {
      this.sending = false;
      this.updateCounter();
    }
  }
}
