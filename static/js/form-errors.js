/* A form that comes back with errors opens on their summary: focus moves to it so that screen
   readers announce it and the keyboard starts from it (RGAA 11.10), on load and after htmx swaps. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]:not([data-error-summary-seen])");
    if (summary) {
      summary.setAttribute("data-error-summary-seen", "");
      summary.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", focusSummary);
  document.addEventListener("htmx:afterSettle", focusSummary);
})();
