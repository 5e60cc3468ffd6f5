/**
 * The help centre's article search: the list of articles narrows as the shopper types.
 * The page has `<input class="help-query">`, `<p class="help-count">` and
 * `<ol class="help-results">`; the article index is a static JSON file built with the site.
 */

import { escapeHtml } from "./escape.mjs";

/**
 * The articles whose title or summary contains every word of `query`, ignoring case.
 * @param {{slug: string, title: string, summary: string}[]} articles
 * @param {string} query
 */
export function matchArticles(articles, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return articles.filter((article) => {
    const text = `${article.title} ${article.summary}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** One article in the list. */
export function resultHtml(article) {
  return (
    `<li class="help-result">` +
    `<a href="/help/articles/${encodeURIComponent(article.slug)}">${escapeHtml(article.title)}</a>` +
    `<p>${escapeHtml(article.summary)}</p>` +
    `</li>`
  );
}

/** "12 articles", "1 article". */
export function countText(count) {
  return count === 1 ? "1 article" : `${count} articles`;
}

/**
 * Show the articles that match the box's text, now and on every keystroke.
 * @param {{querySelector(selector: string): any}} doc
 */
export async function initHelpSearch(doc, fetchImpl = globalThis.fetch) {
  const input = doc.querySelector(".help-query");
  const count = doc.querySelector(".help-count");
  const list = doc.querySelector(".help-results");

  const res = await fetchImpl("/help/index.json");
  if (!res.ok) {
    count.textContent = "Search is not available right now. Browse the topics below.";
    return;
  }
  const { articles } = await res.json();

  const update = () => {
    const found = matchArticles(articles, input.value);
    count.textContent = countText(found.length);
    list.innerHTML = found.map(resultHtml).join("");
  };
  input.addEventListener("input", update);
  update();
}
