/* Small behaviours of the pro web app, bound here rather than inline: the Content-Security-Policy
   (script-src 'self') refuses inline <script>, on...= attributes and htmx's eval features.
   Elements opt in with data-action="..."; one delegated click listener serves them all, so
   content that htmx swaps in later works too. No dependencies. */
(function () {
  "use strict";

  var actions = {
    // Hours settings: empty a time range (the server reads it as removed); drop its row
    // unless it is the day's last one.
    "remove-range": function (button) {
      var range = button.closest(".range");
      if (!range) return;
      range.querySelectorAll("input").forEach(function (input) {
        input.value = "";
      });
      if (range.parentElement.querySelectorAll(".range").length > 1) range.remove();
    },
    // Read-only inputs holding something to copy: select it all on click.
    select: function (input) {
      input.select();
    },
    // Copy the value of the element named by data-copy-from; say so with data-copied-text.
    copy: function (button) {
      var source = document.getElementById(button.getAttribute("data-copy-from"));
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.value);
      var copied = button.getAttribute("data-copied-text");
      if (copied) button.textContent = copied;
    },
    // Dashboard: hide a proposal card that is no longer actionable.
    "dismiss-proposal": function (button) {
      var card = button.closest(".proposal");
      if (card) card.remove();
    },
    // Zone settings: fill latitude/longitude from the phone's position.
    "use-position": function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        document.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(6);
        document.querySelector("input[name=lng]").value = position.coords.longitude.toFixed(6);
      });
    },
  };

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target) return;
    var action = actions[target.getAttribute("data-action")];
    if (action) action(target, event);
  });

  // Polling (htmx GETs) pauses while the page is hidden: a phone in a pocket does not poll.
  // (This replaces hx-trigger filters such as [document.visibilityState === 'visible'],
  // which htmx evaluates with eval.)
  document.addEventListener("htmx:beforeRequest", function (event) {
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (document.visibilityState !== "visible" && verb === "get") event.preventDefault();
  });

  // Buttons that only work with a browser feature stay hidden without it.
  function revealSupported() {
    var position = document.querySelector('[data-action="use-position"][hidden]');
    if (position && navigator.geolocation) position.hidden = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", revealSupported);
  } else {
    revealSupported();
  }
})();
