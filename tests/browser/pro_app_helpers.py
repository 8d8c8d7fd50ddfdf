"""What the pro app's browser tests share: Chromium cannot reach a real push service here, so
the tests play the browser's push service: PushManager.subscribe answers with a subscription
whose keys the test made and whose endpoint is the local push service
(tests/notifications/push_service.py). The subscription's state survives reloads
(localStorage), as a real one does."""

FAKE_PUSH_MANAGER = """
(() => {
  const subscription = %s;
  const stored = () => window.localStorage.getItem("test-push") === "on";
  const make = () => ({
    endpoint: subscription.endpoint,
    toJSON: () => subscription,
    unsubscribe: () => { window.localStorage.removeItem("test-push"); return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.localStorage.setItem("test-push-key", btoa(String.fromCharCode.apply(null, key)));
    window.localStorage.setItem("test-push", "on");
    return Promise.resolve(make());
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(stored() ? make() : null);
  };
})();
"""
