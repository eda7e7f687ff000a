/* Without signal: the service worker, the bar of notes waiting on this phone and their sending, requests that
   cannot reach the server, and the pages this phone keeps. */
(function () {
  "use strict";

  var R = Rapport;
  var URLS = R.urls;

  if ("serviceWorker" in navigator && URLS.sw) {
    navigator.serviceWorker.register(URLS.sw).then(function (registration) {
      // Logged in: make sure the capture screen is kept for the car park.
      if (R.currentUser() && registration.active) { registration.active.postMessage({ type: "keep-capture" }); }
    }).catch(function () { /* no service worker: the app still works online */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") { showOutcome(event.data.outcome); }
    });
  }

  /* The bar above the navigation: "N unsynced", Sync now, and Log in when the session has ended. */
  var lastOutcome = null;
  function refreshBar() {
    var bar = document.querySelector("[data-outbox-bar]");
    if (!bar || typeof RapportOutbox === "undefined") { return Promise.resolve(); }
    return RapportOutbox.pending(R.currentUser()).then(function (items) {
      var attention = items.filter(function (item) { return item.status === "attention"; }).length;
      bar.hidden = !items.length;
      var text = R.plural(items.length, "note", "notes") + " unsynced";
      if (attention) { text += " (" + attention + " need" + (attention === 1 ? "s" : "") + " a look)"; }
      if (!navigator.onLine) { text += ". Offline: they will be sent when you are back online."; }
      bar.querySelector("[data-outbox-count]").textContent = text;
      var login = bar.querySelector("[data-outbox-login]");
      var needsLogin = !R.currentUser() || (lastOutcome && lastOutcome.login);
      login.hidden = !needsLogin || !navigator.onLine;
      if (!login.hidden) { login.href = URLS.login + "?next=" + encodeURIComponent(location.pathname); }
      var sync = bar.querySelector("[data-outbox-sync]");
      sync.hidden = !navigator.onLine || (needsLogin && !attention) || attention === items.length;
      var review = bar.querySelector("[data-outbox-review]");
      if (attention && !review) {
        review = document.createElement("button");
        review.type = "button";
        review.className = "button small";
        review.setAttribute("data-outbox-review", "");
        review.textContent = "Review";
        bar.appendChild(review);
      } else if (!attention && review) { review.remove(); }
    }).catch(function () { /* IndexedDB unavailable (private mode): nothing is queued */ });
  }

  function showOutcome(outcome) {
    lastOutcome = outcome;
    // The page and Background Sync may both send the same notes (the server keeps one): one message.
    if (outcome && outcome.sent) { R.flash(R.plural(outcome.sent, "note", "notes") + " from this phone saved to the journal.", "success", "outbox"); }
    return refreshBar();
  }

  /* Send what waits in the outbox (when online and logged in). */
  function syncNow() {
    if (typeof RapportOutbox === "undefined" || !navigator.onLine || !R.currentUser()) { return refreshBar(); }
    return RapportOutbox.pending(R.currentUser()).then(function (items) {
      if (!items.length) { return refreshBar(); }
      return RapportOutbox.replay().then(showOutcome);
    }).catch(function () { return refreshBar(); });
  }

  window.addEventListener("online", syncNow);
  window.addEventListener("offline", refreshBar);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-outbox-sync]")) { syncNow(); }
    if (event.target.closest && event.target.closest("[data-outbox-review]")) { reviewFirst(); }
  });

  /* Put the first note the server refused back into the capture form, with the server's reason. */
  function reviewFirst() {
    RapportOutbox.pending(R.currentUser()).then(function (items) {
      var item = items.filter(function (i) { return i.status === "attention"; })[0];
      if (!item) { return; }
      var fields = {};
      item.fields.forEach(function (pair) { if (pair[0] !== "contact_ids" && pair[0] !== "new_contacts") { fields[pair[0]] = pair[1]; } });
      fields.uuid = item.uuid;
      R.drafts.write([{ uuid: item.uuid, fields: fields, chosen: item.chosen || [], error: item.error }].concat(R.drafts.read()));
      return RapportOutbox.remove(item.uuid).then(function () { location.href = URLS.capture; });
    });
  }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("rapport-outbox"); }
    }).catch(function () { /* no Background Sync (iOS, Firefox): "online" and app open replay instead */ });
  }

  // ---- Requests that cannot reach the server ------------------------------------------------------
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (navigator.onLine || !elt) { return; }
    if (elt.id === "capture-form") {
      event.preventDefault();
      R.queueCapture(elt);
    } else if (elt.id === "who") {
      event.preventDefault();
      R.localSuggestions(elt.value);
    } else if (elt.id === "q") {
      event.preventDefault();
      searchOffline();
    } else if (elt.id === "found") {
      event.preventDefault();  // no chips without signal: the server reads the note when it syncs
    }
  });

  // The request never reached the server (no signal, though the phone thought it had some).
  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.id === "capture-form") { R.queueCapture(elt); }
    else if (elt && elt.id === "who") { R.localSuggestions(elt.value); }
    else if (elt && elt.id === "q") { searchOffline(); }
    else if (elt && elt.id === "found") { /* no chips this time: the note is read again when it is saved */ }
    else {
      // Any other change needs the server; what was typed stays in the form for another try.
      R.flash("No connection: that needs the network, and nothing was changed. Only new notes (Capture) are kept on this phone.",
        "warning", "offline");
      window.scrollTo(0, 0);
    }
  });

  // An htmx request the server refused (4xx but 422, which swaps the form with its errors) or failed (5xx): the page
  // is left as it was, so what was typed stays, and the flash says why in the words of the server's error page. A
  // capture the server cannot save now (5xx), or whose form went stale (400: an expired token), waits in the outbox,
  // as without signal, and is sent again with a fresh token.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var elt = event.detail && event.detail.elt;
    // The note's chips are a help, not the note: a failed read of them leaves the form alone (Save reads it again).
    if (!xhr || !elt || xhr.status < 400 || elt.id === "found") { return; }
    if (elt.id === "capture-form" && (xhr.status >= 500 || xhr.status === 400)) { R.queueCapture(elt); return; }
    R.flash(errorMessage(xhr), "error", "unavailable");
    window.scrollTo(0, 0);
  });

  /* The words of the server's error page (templates/errors/_error.html), or ours when it sent none. */
  function errorMessage(xhr) {
    var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html").querySelector(".error-page");
    var title = page && page.querySelector("h1");
    var text = page && page.querySelector("h1 ~ p");
    if (title && text) { return title.textContent + ". " + text.textContent; }
    if (xhr.status === 503) { return "Saving is not possible right now. Nothing was changed: try again in a few minutes."; }
    return "That did not work (error " + xhr.status + "). What you typed is still here: try again.";
  }

  function searchOffline() {
    var results = document.getElementById("search-results");
    if (!results) { return; }
    results.textContent = "";
    var p = document.createElement("p");
    p.className = "flash flash-warning";
    p.textContent = "Search needs a connection. People you opened recently are still on this phone: see Today and People.";
    results.appendChild(p);
  }

  // ---- Kept pages shown offline ----------------------------------------------------------------
  /* On the offline page: links to the pages this phone keeps (read from the service worker's cache). */
  function listKeptPages(page) {
    if (!window.caches) { return; }
    caches.open("rapport-pages").then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (hit) { return hit.text(); }).then(function (html) {
            var title = (html.match(/<title>([^<]*)<\/title>/) || ["", ""])[1].replace(/ · Rapport$/, "");
            var scratch = document.createElement("textarea");
            scratch.innerHTML = title;  // decode entities; a textarea never runs markup
            return { url: new URL(request.url).pathname, title: scratch.value };
          });
        }));
      });
    }).then(function (pages) {
      var list = page.querySelector("[data-kept-list]");
      pages.forEach(function (kept) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = kept.url;
        a.textContent = kept.title || kept.url;
        li.appendChild(a);
        list.appendChild(li);
      });
      page.querySelector("[data-kept-pages]").hidden = !pages.length;
    }).catch(function () { /* nothing kept */ });
  }

  (function offlineInit() {
    var asOf = document.body.getAttribute("data-offline-as-of");
    var banner = document.querySelector("[data-offline-banner]");
    if (asOf && banner) {
      var when = new Date(asOf);
      var text = isNaN(when) ? "" : when.toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
      banner.textContent = "Offline: your copy as of " + text + ". Changes wait until you are back online.";
      banner.hidden = false;
      window.addEventListener("online", function () { banner.textContent = "Back online. Reload for the latest."; });
    }
    var page = document.querySelector(".offline-page");
    if (page) {
      var search = page.querySelector("[data-offline-search]");
      if (search && URLS.search && location.pathname.indexOf(URLS.search) === 0) { search.hidden = false; }
      listKeptPages(page);
    }
    refreshBar().then(function () { if (navigator.onLine) { syncNow(); } });
  })();

  R.sync = syncNow;
  R.refreshBar = refreshBar;
  R.requestBackgroundSync = requestBackgroundSync;
})();
