/** Request and response helpers shared by the API's routes. */

/** Request bodies are small JSON documents; anything larger is refused. */
const MAX_BODY_BYTES = 16 * 1024;

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Send `body` as JSON with `status`. */
export function sendJson(res, status, body) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** The request body parsed as JSON; 413 past MAX_BODY_BYTES, 400 when it is not JSON. */
export async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, "request body too large");
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "request body is not JSON");
  }
}

/**
 * The signed-in user of a request, or null. The account gateway in front of the API checks
 * the session cookie (and refuses cross-site requests), then passes the session on as
 * `Authorization: Bearer <session>`.
 */
export function authenticate(store, req) {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
  const userId = match && store.sessions.get(match[1]);
  return (userId && store.users.get(userId)) || null;
}
