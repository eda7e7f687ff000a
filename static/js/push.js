/* Account → Notifications: "Enable on this phone" asks for permission in the tap itself (iOS allows the question only
   from one, and only in an app installed to the Home Screen), subscribes, and hands the subscription to the server. */
(function () {
  "use strict";

  function bytesOf(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes;
  }

  function installed() {
    return window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;
  }

  function apple() {
    return /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  var SAID = {
    install: "On iPhone and iPad, notifications need Rapport on the Home Screen (iOS 16.4 or later): tap Share, " +
      "then “Add to Home Screen”, open Rapport from there and tap Enable again.",
    unable: "This browser cannot show notifications.",
    denied: "Notifications are blocked for Rapport: allow them in the browser's settings for this site, then tap Enable again.",
    "default": "Nothing changed: tap Enable again and allow notifications when asked.",
    failed: "This phone could not turn notifications on. Please try again later."
  };

  function sameBytes(a, b) {
    if (!a || !b || a.byteLength !== b.byteLength) { return false; }
    var x = new Uint8Array(a), y = new Uint8Array(b);
    for (var i = 0; i < x.length; i++) { if (x[i] !== y[i]) { return false; } }
    return true;
  }

  /* This browser's subscription for the server's key: one made with another key (the VAPID key was changed) is
     ended and made again, as the server could not sign pushes to it. */
  function subscription(registration, key) {
    var wanted = bytesOf(key);
    var subscribe = function () {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: wanted });
    };
    return registration.pushManager.getSubscription().then(function (existing) {
      if (!existing) { return subscribe(); }
      if (sameBytes(existing.options && existing.options.applicationServerKey, wanted.buffer)) { return existing; }
      return existing.unsubscribe().then(subscribe);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-push-enable]");
    if (!button) { return; }
    var form = button.form;
    var status = form.querySelector("[data-push-status]");
    var say = function (what) { status.textContent = SAID[what] || SAID.failed; };
    if (apple() && !installed()) { say("install"); return; }
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) { say("unable"); return; }
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error(permission); }
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return subscription(registration, form.getAttribute("data-public-key"));
    }).then(function (subscribed) {
      var json = subscribed.toJSON();
      form.elements.endpoint.value = json.endpoint;
      form.elements.p256dh.value = json.keys.p256dh;
      form.elements.auth.value = json.keys.auth;
      form.submit();
    }).catch(function (error) {
      button.disabled = false;
      say(error && error.message);
    });
  });
})();
