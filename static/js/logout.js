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
      return wipeBrowser().then(function () {
        form.setAttribute("data-logout-ready", "");
        form.submit();
      });
    });
  }, true);
})();
