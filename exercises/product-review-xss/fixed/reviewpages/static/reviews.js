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

function showThanks(article, reviewerName) {
  const note = article.querySelector(".helpful-thanks");
  const name = document.createElement("strong");
  name.textContent = reviewerName;
  note.replaceChildren("Thanks! We'll let ", name, " know their review helped.");
  note.hidden = false;
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
    showThanks(article, article.dataset.reviewerName);
  } catch (error) {
    console.warn(error);
    button.disabled = false;
  }
});
