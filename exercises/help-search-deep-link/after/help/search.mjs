/**
 * The help centre's article search: the list of articles narrows as the shopper types, and
 * the words they searched for are highlighted. The query lives in the address (`?q=`), so a
 * search can be bookmarked or sent to someone, and the back button keeps it.
 * The page has `<input class="help-query">`, `<p class="help-count">` and
 * `<ol class="help-results">`; the article index is a static JSON file built with the site.
 */

import { escapeHtml } from "./escape.mjs";

/** Longer queries are cut to this many characters. */
export const MAX_QUERY_LENGTH = 100;

/** The words of a query, lower-cased. */
function wordsOf(query) {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * The articles whose title or summary contains every word of `query`, ignoring case.
 * @param {{slug: string, title: string, summary: string}[]} articles
 * @param {string} query
 */
export function matchArticles(articles, query) {
  const words = wordsOf(query);
  return articles.filter((article) => {
    const text = `${article.title} ${article.summary}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/**
 * `text` as HTML, with every word of `query` wrapped in <mark>.
 * @param {string} text
 * @param {string} query
 */
export function highlight(text, query) {
  const words = wordsOf(query);
  if (words.length === 0) {
    return escapeHtml(text);
  }
  const pattern = new RegExp(`(${words.join("|")})`, "gi");

  // split() with one capturing group puts the matches at the odd indexes.
  return text
    .split(pattern)
    .map((part, i) => (i % 2 === 1 ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part)))
    .join("");
}

/** One article in the list, with the query's words highlighted. */
export function resultHtml(article, query = "") {
  return (
    `<li class="help-result">` +
    `<a href="/help/articles/${encodeURIComponent(article.slug)}">${highlight(article.title, query)}</a>` +
    `<p>${highlight(article.summary, query)}</p>` +
    `</li>`
  );
}

/** What the list shows when nothing matches: the query, and a way to ask a person instead. */
export function noResultsHtml(query) {
  const contact = `/help/contact?${new URLSearchParams({ topic: query })}`;
  return `<li class="help-empty">No articles match “${query}”. <a href="${contact}">Ask our team</a></li>`;
}

/** "12 articles", "1 article". */
export function countText(count) {
  return count === 1 ? "1 article" : `${count} articles`;
}

/** The query in a page address's `?q=`, trimmed and cut to MAX_QUERY_LENGTH; "" without one. */
export function queryFromSearch(search) {
  const query = new URLSearchParams(search).get("q") ?? "";
  return query.trim().slice(0, MAX_QUERY_LENGTH);
}

/**
 * Show the articles that match the query in the address, then those that match the box's text
 * on every keystroke, keeping the address in step.
 * @param {{title: string, querySelector(selector: string): any}} doc
 * @param {{location: {pathname: string, search: string}, history: {replaceState: Function}}} win
 */
export async function initHelpSearch(doc, win, fetchImpl = globalThis.fetch) {
  const input = doc.querySelector(".help-query");
  const count = doc.querySelector(".help-count");
  const list = doc.querySelector(".help-results");
  input.value = queryFromSearch(win.location.search);

  const res = await fetchImpl("/help/index.json");
  if (!res.ok) {
    count.textContent = "Search is not available right now. Browse the topics below.";
    return;
  }
  const { articles } = await res.json();

  const update = () => {
    const query = input.value.trim().slice(0, MAX_QUERY_LENGTH);
    const found = matchArticles(articles, query);
    count.textContent = countText(found.length);
    list.innerHTML = found.length > 0 ? found.map((article) => resultHtml(article, query)).join("") : noResultsHtml(query);
    const address = query ? `?${new URLSearchParams({ q: query })}` : win.location.pathname;
    win.history.replaceState(null, "", address);
    doc.title = query ? `“${query}” – Help centre` : "Help centre";
  };
  input.addEventListener("input", update);
  update();
}
