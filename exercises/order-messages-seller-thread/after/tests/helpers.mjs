/** Call the API's request handler in memory, without a socket. */

import { Readable } from "node:stream";

/**
 * @param {(req: any, res: any) => Promise<void>} handle
 * @returns {Promise<{status: number, body: any}>}
 */
export async function call(handle, method, path, { token, body } = {}) {
  const req = Readable.from(body === undefined ? [] : [Buffer.from(JSON.stringify(body))]);
  req.method = method;
  req.url = path;
  req.headers = token ? { authorization: `Bearer ${token}` } : {};
  let status = 0;
  let text = "";
  const res = {
    writeHead(code) {
      status = code;
    },
    end(chunk = "") {
      text += chunk;
    },
  };
  await handle(req, res);
  return { status, body: text ? JSON.parse(text) : null };
}

/**
 * A stand-in for the messages panel's elements (no browser in the tests): each element keeps
 * its `innerHTML`, `textContent`, `value`, `hidden` and `disabled`.
 */
export function fakePanel() {
  const element = () => ({
    innerHTML: "",
    textContent: "",
    value: "",
    hidden: false,
    disabled: false,
    insertAdjacentHTML(where, html) {
      this.innerHTML += html;
    },
  });
  const parts = {};
  for (const name of ["heading", "list", "note", "input", "counter", "send", "status"]) {
    parts[`.message-${name}`] = element();
  }
  return { parts, querySelector: (selector) => parts[selector] };
}

/** A `fetch` that answers every request with `status` and `body`, and records the requests. */
export function fakeFetch(status, body) {
  const requests = [];
  const impl = async (path, init = {}) => {
    requests.push({ path, ...init });
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
  return Object.assign(impl, { requests });
}
