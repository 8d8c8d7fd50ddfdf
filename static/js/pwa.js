/* The installable pro app, in the browser: registers the service worker (/pro/sw.js, scope
   /pro/), and drives the "install the app and turn on notifications" card and the devices
   page (subscribe this device to web push, unsubscribe it, send a test).
   Elements opt in with data-push-* attributes; the server renders them hidden and this script
   reveals only what this browser can do. No dependencies. */
(function () {
  "use strict";

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try {
      return JSON.parse(headers)["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function registerServiceWorker() {
    var url = document.body.getAttribute("data-service-worker");
    if (!url || !("serviceWorker" in navigator)) return Promise.resolve(null);
    return navigator.serviceWorker.register(url).catch(function () {
      return null;
    });
  }

  function pushSupported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function isStandalone() {
    return (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches) ||
      window.navigator.standalone === true;
  }

  function base64UrlToBytes(value) {
    var padded = (value + "===".slice((value.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    });
  }

  function currentSubscription() {
    if (!pushSupported()) return Promise.resolve(null);
    return navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    });
  }

  function subscribe(panel) {
    var key = panel.getAttribute("data-push-key");
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(key)
      });
    }).then(function (subscription) {
      var data = subscription.toJSON();
      return post(panel.getAttribute("data-push-subscribe"), {
        endpoint: data.endpoint,
        keys: data.keys
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
    });
  }

  function unsubscribe(panel) {
    return currentSubscription().then(function (subscription) {
      if (!subscription) return null;
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(panel.getAttribute("data-push-unsubscribe"), { endpoint: endpoint });
      });
    });
  }

  function say(panel, name) {
    var status = panel.querySelector("[data-push-status]");
    var text = panel.getAttribute("data-push-" + name + "-text");
    if (status && text) status.textContent = text;
  }

  // Show the parts of a panel that fit this browser's state.
  function refresh(panel) {
    var show = function (name, visible) {
      panel.querySelectorAll("[data-push-show=" + name + "]").forEach(function (element) {
        element.hidden = !visible;
      });
    };
    var supported = pushSupported() && panel.getAttribute("data-push-key");
    var installed = isStandalone();
    return currentSubscription().then(function (subscription) {
      var subscribed = Boolean(subscription);
      var denied = supported && Notification.permission === "denied";
      show("unsupported", !supported);
      show("subscribe", supported && !subscribed && !denied);
      show("denied", denied && !subscribed);
      show("subscribed", subscribed);
      show("install", !installed);
      if (panel.hasAttribute("data-push-card")) {
        // The dashboard's card goes away once the app is installed and notifications are on.
        panel.hidden = installed && (subscribed || !supported);
      } else {
        panel.hidden = false;
      }
      panel.setAttribute("data-push-state", subscribed ? "subscribed" : "not-subscribed");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-push-action]");
    if (!button) return;
    var panel = button.closest("[data-push-panel]");
    if (!panel) return;
    event.preventDefault();
    var action = button.getAttribute("data-push-action");
    button.disabled = true;
    var done = action === "subscribe" ? subscribe(panel) : unsubscribe(panel);
    done.then(function () {
      say(panel, action === "subscribe" ? "on" : "off");
      // The devices page lists the subscriptions: reload it to show the change.
      if (panel.hasAttribute("data-push-reload")) window.location.reload();
    }).catch(function () {
      say(panel, "error");
    }).then(function () {
      button.disabled = false;
      return refresh(panel);
    });
  });

  function start() {
    registerServiceWorker().then(function () {
      document.querySelectorAll("[data-push-panel]").forEach(refresh);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
