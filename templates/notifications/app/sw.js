{% autoescape off %}/* Wecasa Pro service worker (scope /pro/), rendered by notifications.views_app.service_worker.
   It caches the offline page and its assets only: never an authenticated page nor an API
   answer. It shows pushed notifications and opens their page when tapped. */
"use strict";

var CACHE = "wecasa-pro-__VERSION__";
var OFFLINE_URL = {{ offline_url }};
var ASSETS = {{ assets }};
var ICON = {{ icon }};
var BADGE = {{ badge }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(ASSETS);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("wecasa-pro-") === 0 && key !== CACHE;
      }).map(function (key) {
        return caches.delete(key);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    // Pages always come from the network; the offline page only when there is none.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE_URL);
    }));
    return;
  }
  if (ASSETS.indexOf(new URL(request.url).pathname) !== -1) {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(request);
    }));
  }
});

self.addEventListener("push", function (event) {
  var message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { title: event.data.text() };
  }
  var options = {
    body: message.body || "",
    icon: ICON,
    badge: BADGE,
    tag: message.tag || undefined,
    renotify: Boolean(message.tag),
    requireInteraction: Boolean(message.urgent),
    timestamp: message.sent_at ? Date.parse(message.sent_at) : Date.now(),
    data: { url: message.url || "/pro/" }
  };
  event.waitUntil(self.registration.showNotification(message.title || "Wecasa Pro", options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(event.notification.data && event.notification.data.url || "/pro/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/pro/", self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        var client = windows[i];
        if (new URL(client.url).pathname === target.pathname && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});
{% endautoescape %}
