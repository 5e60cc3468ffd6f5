// Behaviour of the review list on a product page: the "Helpful" button.
"use strict";

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]').content;
}

async function sendHelpfulVote(reviewId) {
  const response = await fetch(`/reviews/${encodeURIComponent(reviewId)}/helpful`, {
    method: "POST",
    headers: { "X-CSRF-Token": csrfToken() },
  });
  if (!response.ok) {
    throw new Error(`helpful vote failed with status ${response.status}`);
  }
  return response.json();
}

function updateHelpfulCount(article, count) {
  const counter = article.querySelector(".helpful-count");
  counter.textContent = count === 1
    ? "1 person found this helpful"
    : `${count} people found this helpful`;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.helpful");
  if (!button) {
    return;
  }
  const article = button.closest("article.review");
  button.disabled = true;
  try {
    const result = await sendHelpfulVote(article.dataset.reviewId);
    updateHelpfulCount(article, result.helpful_votes);
  } catch (error) {
    console.warn(error);
    button.disabled = false;
  }
});
