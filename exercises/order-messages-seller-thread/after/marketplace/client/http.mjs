/** JSON requests from the account pages to the marketplace API (same origin, session cookie). */

/** The error message of a failed response: the API's `error` field, or the status. */
async function failure(path, res) {
  const body = await res.json().catch(() => null);
  return new Error(typeof body?.error === "string" ? body.error : `${path}: HTTP ${res.status}`);
}

/**
 * GET a JSON document; throws on an HTTP error.
 * @param {typeof fetch} fetchImpl
 */
export async function getJson(fetchImpl, path) {
  const res = await fetchImpl(path, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!res.ok) {
    throw await failure(path, res);
  }
  return res.json();
}

/**
 * POST `body` as JSON and return the JSON answer; throws on an HTTP error, with the API's
 * message when it sent one.
 * @param {typeof fetch} fetchImpl
 */
export async function postJson(fetchImpl, path, body) {
  const res = await fetchImpl(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    throw await failure(path, res);
  }
  return res.json();
}
