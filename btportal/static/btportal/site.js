/* BT-portalen: small behaviour every page shares. A static file (no inline script: the
   Content-Security-Policy forbids it); works without it, only better with it. */
(function () {
  "use strict";

  // A table wider than a phone scrolls inside its .table-responsive box: make that box reachable
  // by keyboard and name it after the table's caption (WCAG 2.1.1; axe "scrollable-region-focusable").
  function focusableScrollBoxes(root) {
    root.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth + 1) return;
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var caption = box.querySelector("caption");
        var table = box.querySelector("table");
        var name = (caption && caption.textContent.trim()) || (table && table.getAttribute("aria-label")) || "";
        if (!name) {
          for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
            if (/^H[1-6]$/.test(el.tagName)) { name = el.textContent.trim(); break; }
          }
        }
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name || document.title);
      }
    });
  }

  // A .table-stack table becomes one card per row on a phone (site.css): each cell is labelled with
  // its column's heading, so status columns are never off-screen.
  function stackTables(root) {
    root.querySelectorAll("table.table-stack").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return (th.getAttribute("data-label") || th.textContent).trim().replace(/\s+/g, " ");
      });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          if (!cell.hasAttribute("data-label") && heads[col]) cell.setAttribute("data-label", heads[col]);
          col += cell.colSpan || 1;
        });
      });
    });
  }

  function enhance(root) {
    stackTables(root);
    focusableScrollBoxes(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target.parentElement || document); });
  // After a resize (a phone turned, a window narrowed), at the next frame: a table that now scrolls is
  // reachable at once, not after a pause (resize events come in bursts: one pass per frame).
  var resizing = false;
  window.addEventListener("resize", function () {
    if (resizing) return;
    resizing = true;
    window.requestAnimationFrame(function () { resizing = false; enhance(document); });
  });
})();
