/* Logout on a shared phone: send what waits, warn about what cannot be sent, then wipe everything of ours. */
(function () {
  "use strict";

  var R = Rapport;

  function wipeBrowser() {
    var jobs = [];
    try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* ignore */ }
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) { return Promise.all(names.map(function (n) { return caches.delete(n); })); }));
    }
    if (typeof RapportOutbox !== "undefined") { jobs.push(RapportOutbox.wipe()); }
    if ("serviceWorker" in navigator) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(jobs).catch(function () { /* the server's Clear-Site-Data also wipes */ });
  }

  /* This phone's push subscription ends with the login: the server is told which one (the form's push_endpoint),
     the browser drops it, and the notifications shown are closed. */
  function forgetPush(form) {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return navigator.serviceWorker.getRegistration().then(function (registration) {
      if (!registration || !registration.pushManager) { return null; }
      // Reminders already shown name customers: they go with the login, as does the badge.
      if (navigator.clearAppBadge) { navigator.clearAppBadge().catch(function () {}); }
      return registration.getNotifications().then(function (shown) {
        shown.forEach(function (notification) { notification.close(); });
      }).catch(function () {}).then(function () { return registration.pushManager.getSubscription(); });
    }).then(function (subscription) {
      if (!subscription) { return; }
      var field = form.querySelector("input[name=push_endpoint]");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "push_endpoint";
        form.appendChild(field);
      }
      field.value = subscription.endpoint;
      return subscription.unsubscribe();
    }).catch(function () { /* the server ends the session's subscriptions anyway */ });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-logout") || form.hasAttribute("data-logout-ready")) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    R.sync().then(function () {
      return typeof RapportOutbox === "undefined" ? [] : RapportOutbox.all();
    }).catch(function () { return []; }).then(function (left) {
      var unsent = left.length + R.drafts.read().length;
      if (unsent && !window.confirm(R.plural(unsent, "note is", "notes are") + " only on this phone and could not be sent. " +
          "Logging out deletes " + (unsent === 1 ? "it" : "them") + " from this phone. Log out anyway?")) {
        return;
      }
      return forgetPush(form).then(wipeBrowser).then(function () {
        form.setAttribute("data-logout-ready", "");
        form.submit();
      });
    });
  }, true);
})();
