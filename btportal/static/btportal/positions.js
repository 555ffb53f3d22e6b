// Positions computed on the server (a plan timeline's bars and month marks) come as data-left / data-width,
// in percent, and are set here through the DOM: the Content-Security-Policy allows no inline style attributes.
(function () {
  function place(root) {
    root.querySelectorAll("[data-left]").forEach(function (el) {
      el.style.left = el.dataset.left + "%";
      if (el.dataset.width) el.style.width = el.dataset.width + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { place(document); });
  document.addEventListener("htmx:afterSwap", function (event) { place(event.target); });
})();
