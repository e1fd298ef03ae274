/* htmx requests carry the CSRF token of the page (read from <meta name="csrf-token">): a file,
   not an inline script, so that the Content-Security-Policy allows scripts from the portal only. */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
  });
})();
