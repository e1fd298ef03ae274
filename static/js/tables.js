/* A table wider than its container scrolls inside it (the DSFR wrapper, or the table itself in
   the older « fr-table > table » markup): that region must be
   reachable with the keyboard (RGAA 7.3, axe « scrollable-region-focusable »). Only scrolling
   containers become tab stops, checked again after each htmx swap and on resize. */
(function () {
  "use strict";
  function update() {
    document.querySelectorAll(".fr-table, .fr-table > table, .fr-table__container, .fr-table__wrapper").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth + 1) {
        region.setAttribute("tabindex", "0");
        if (!region.hasAttribute("aria-label")) {
          var caption = region.querySelector("caption");
          region.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
        }
      } else if (region.getAttribute("tabindex") === "0") {
        region.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("htmx:afterSettle", update);
  window.addEventListener("resize", update);
})();
