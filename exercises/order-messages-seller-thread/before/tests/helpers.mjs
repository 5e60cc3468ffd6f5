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
