/* Live countdowns for elements with data-expires (ISO 8601 with offset). No dependencies.
   The server's clock is the reference: [data-server-now] (refreshed by each poll) gives the
   offset between the phone's clock and the server's. */
(function () {
  "use strict";
  var offset = 0;

  function readServerNow() {
    var marks = document.querySelectorAll("[data-server-now]");
    if (!marks.length) return;
    var server = Date.parse(marks[marks.length - 1].getAttribute("data-server-now"));
    if (!isNaN(server)) offset = server - Date.now();
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function format(ms) {
    var total = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    if (h > 0) return h + " h " + pad(m);
    return m + ":" + pad(s);
  }

  function tick() {
    var now = Date.now() + offset;
    var items = document.querySelectorAll("[data-expires]");
    for (var i = 0; i < items.length; i++) {
      var el = items[i];
      var expires = Date.parse(el.getAttribute("data-expires"));
      if (isNaN(expires)) continue;
      var left = expires - now;
      var out = el.querySelector(".countdown-value") || el;
      if (left <= 0) {
        out.textContent = el.getAttribute("data-expired-text") || "0:00";
        el.classList.add("is-expired");
        var card = el.closest(".proposal");
        if (card) {
          var buttons = card.querySelectorAll(".proposal-actions button");
          for (var j = 0; j < buttons.length; j++) buttons[j].disabled = true;
        }
      } else {
        out.textContent = format(left);
        el.classList.toggle("is-urgent", left < 2 * 60 * 1000);
      }
    }
  }

  function refresh() {
    readServerNow();
    tick();
  }

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
  setInterval(tick, 1000);
})();
