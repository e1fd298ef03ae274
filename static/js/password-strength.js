/* Live password strength meter (advisory only: the server applies the password rule).
   Markup: <div data-password-meter-for="input-id" data-label-1..4="…"> with .password-meter__bar
   and [data-password-meter-label] inside. */
(function () {
  "use strict";

  function score(password) {
    if (!password) return 0;
    var classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter(function (re) {
      return re.test(password);
    }).length;
    var longEnough = password.length >= 12;
    if (longEnough && classes >= 3) return classes === 4 && password.length >= 16 ? 4 : 3;
    return longEnough || classes >= 3 ? 2 : 1;
  }

  function bind(meter) {
    var input = document.getElementById(meter.getAttribute("data-password-meter-for"));
    if (!input) return;
    var bar = meter.querySelector(".password-meter__bar");
    var label = meter.querySelector("[data-password-meter-label]");
    meter.hidden = false;
    function update() {
      var value = score(input.value);
      bar.setAttribute("data-score", String(value));
      label.textContent = value ? meter.getAttribute("data-label-" + value) : "";
    }
    input.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-password-meter-for]").forEach(bind);
  });
})();
