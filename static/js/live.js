/* The dashboard's live stream: new and withdrawn proposals arrive as server-sent events
   (/pro/live, notifications.views_live) and the page fetches the proposal list and the bell
   at once (htmx, "live-refresh"). While the stream is open, the list's polling ticks are
   cancelled before they reach the server; when it drops, polling carries on as before.
   EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed. */
(function () {
  "use strict";

  var config = document.getElementById("live-stream");
  var list = document.getElementById("proposal-list");
  if (!config || !list || !window.EventSource || !window.htmx) return;

  var live = false;
  var asked = false; // the next request of the list is one the stream asked for
  var retryDelay = 3000;

  function refresh() {
    asked = true;
    window.htmx.trigger(list, "live-refresh");
    var bell = document.getElementById("bell");
    if (bell) window.htmx.trigger(bell, "live-refresh");
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
    if (event.detail.elt !== list) return;
    if (asked) {
      asked = false;
      return;
    }
    if (live) event.preventDefault(); // a polling tick: the stream tells us instead
  });

  // A card left the list (static/js/app.js): fetch it again, a capped list fills up.
  document.addEventListener("wecasa:proposal-left", function () {
    if (live) refresh();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && live) refresh();
  });

  setLive(false);
  connect();
})();
