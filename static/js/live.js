/* The dashboard's live stream: new and withdrawn proposals arrive as server-sent events
   (/pro/live, notifications.views_live) and the page fetches the proposal list and the bell
   at once (htmx, "live-refresh"). While the stream is open, the polling ticks of the list and
   of the bell are cancelled before they reach the server: the bell is fetched when an event
   arrives, when the stream (re)connects, and when the earliest proposal on the list expires
   (the bell's rule stops counting it then, notifications.kinds). When the stream drops, both
   poll as before. EventSource reconnects by itself and sends Last-Event-ID: nothing is missed. */
(function () {
  "use strict";

  var config = document.getElementById("live-stream");
  var list = document.getElementById("proposal-list");
  if (!config || !list || !window.EventSource || !window.htmx) return;

  var live = false;
  var asked = false; // the next request of the list is one the stream asked for
  var bellAsked = false; // the same for the bell (swapped whole: found by its id)
  var retryDelay = 3000;
  var expiryTimer = null;

  function refreshBell() {
    var bell = document.getElementById("bell");
    if (!bell) return;
    bellAsked = true;
    window.htmx.trigger(bell, "live-refresh");
  }

  function refresh() {
    asked = true;
    window.htmx.trigger(list, "live-refresh");
    refreshBell();
  }

  // The bell counts a proposal only while it can be answered: fetch it again when the
  // earliest one shown expires (no event says so).
  function watchExpiry() {
    window.clearTimeout(expiryTimer);
    var earliest = Infinity;
    list.querySelectorAll(".proposal [data-expires]").forEach(function (element) {
      var at = Date.parse(element.getAttribute("data-expires"));
      if (!isNaN(at) && at < earliest) earliest = at;
    });
    if (earliest === Infinity) return;
    var wait = Math.max(earliest - Date.now(), 0) + 1000; // the server's clock may be behind
    expiryTimer = window.setTimeout(function () {
      if (live) refreshBell();
    }, Math.min(wait, 2147483647));
  }

  function setLive(on) {
    live = on;
    document.body.setAttribute("data-live", on ? "on" : "off");
  }

  function connect() {
    var source = new EventSource(config.getAttribute("data-url"));
    source.addEventListener("open", function () {
      retryDelay = 3000;
      setLive(true);
      refresh(); // whatever happened before the stream opened
    });
    source.addEventListener("notification", refresh);
    source.addEventListener("error", function () {
      setLive(false);
      if (source.readyState === EventSource.CLOSED) {
        // The server said no (204, 503): poll, and try the stream again later.
        window.setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 60000);
      }
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    if (element === list) {
      if (asked) {
        asked = false;
        return;
      }
      if (live) event.preventDefault(); // a polling tick: the stream tells us instead
    } else if (element.id === "bell") {
      if (bellAsked) {
        bellAsked = false;
        return;
      }
      if (live) event.preventDefault();
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt === list) watchExpiry();
  });

  // A card left the list (static/js/app.js): fetch it again, a capped list fills up.
  document.addEventListener("wecasa:proposal-left", function () {
    if (live) refresh();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && live) refresh();
  });

  setLive(false);
  watchExpiry();
  connect();
})();
