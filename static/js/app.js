// Move focus to the error summary so screen-reader and keyboard users hear the problem first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
// htmx swaps: focus a freshly swapped error summary too.
document.addEventListener("htmx:afterSwap", function (event) {
  var summary = event.target.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
