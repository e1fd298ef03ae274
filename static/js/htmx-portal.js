/* What the portal's htmx needs beyond attributes, in a file rather than inline or eval'd code, so
   that the Content-Security-Policy allows scripts from the portal only:
   - htmx requests carry the page's CSRF token (read from <meta name="csrf-token">);
   - Enter in an <input data-search-on-enter> fires its « search » trigger (Firefox has no search
     event, and a keyup[key=='Enter'] trigger filter is evaluated code). */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
  });
  document.addEventListener("keyup", function (event) {
    var input = event.target;
    // Chromium and Safari fire « search » on Enter themselves.
    if (event.key === "Enter" && input.matches && input.matches("[data-search-on-enter]") && !("onsearch" in input)) {
      window.htmx.trigger(input, "search");
    }
  });
})();
