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
      if (card) leave(card);
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

  // Dashboard: a proposal card leaves the list (fades, then is removed: its "shown" input goes
  // with it, so the next refresh does not bring it back); the live stream, when open, fetches
  // the list again (a capped list fills up).
  function leave(card) {
    if (card.classList.contains("is-leaving")) return;
    card.classList.add("is-leaving");
    var done = false;
    function remove() {
      if (done) return;
      done = true;
      card.remove();
      document.dispatchEvent(new CustomEvent("wecasa:proposal-left"));
    }
    card.addEventListener("transitionend", remove);
    window.setTimeout(remove, 600); // reduced motion or no transition
  }

  // An answered card (data-auto-dismiss: accepted, refused, other time proposed) shows its
  // "done" state for a few seconds (#proposal-list's data-dismiss-after), then leaves.
  // A card that htmx preserves across refreshes keeps its timer (the element is the same).
  function scheduleDismissals() {
    var list = document.getElementById("proposal-list");
    var seconds = list ? parseFloat(list.getAttribute("data-dismiss-after")) : NaN;
    if (isNaN(seconds) || seconds < 0) seconds = 4;
    var cards = document.querySelectorAll(".proposal[data-auto-dismiss]:not([data-dismiss-scheduled])");
    cards.forEach(function (card) {
      card.setAttribute("data-dismiss-scheduled", "");
      window.setTimeout(function () {
        leave(card);
      }, seconds * 1000);
    });
  }
  document.addEventListener("htmx:afterSettle", scheduleDismissals);

  // Buttons that only work with a browser feature stay hidden without it.
  function revealSupported() {
    var position = document.querySelector('[data-action="use-position"][hidden]');
    if (position && navigator.geolocation) position.hidden = false;
  }
  function ready() {
    revealSupported();
    scheduleDismissals();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
