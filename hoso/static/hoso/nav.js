/* HoSo — menu groups: one open at a time; a click outside or Escape closes them. */
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.nav-group"));
  if (!groups.length) return;
  groups.forEach(function (g) {
    g.addEventListener("toggle", function () {
      if (!g.open) return;
      groups.forEach(function (other) {
        if (other !== g) other.open = false;
      });
    });
  });
  function closeAll() {
    groups.forEach(function (g) {
      g.open = false;
    });
  }
  document.addEventListener("click", function (ev) {
    if (!ev.target.closest || !ev.target.closest("details.nav-group")) closeAll();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") closeAll();
  });
})();

/* HoSo — an error answer that the server retargets (HX-Retarget, accounts/boundary.py) is shown
   in the page's error area; other error answers are left unswapped, as htmx does by default. */
document.addEventListener("htmx:beforeSwap", function (ev) {
  var xhr = ev.detail.xhr;
  if (xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget")) {
    ev.detail.shouldSwap = true;
    ev.detail.isError = false;
  }
});
