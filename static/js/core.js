/* Rapport's client scripts are small classic files, one concern each, loaded deferred in this order: core (this
   file: what the others share, as window.Rapport), forms, capture, offline, logout, share. No inline scripts. */
var Rapport = (function () {
  "use strict";

  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.getAttribute("content") : null;
  }

  /* The server's URLs (url_for), from a meta tag. */
  var URLS = (function () {
    try { return JSON.parse(meta("rapport-urls")); } catch (e) { return {}; }
  })();

  /* Where this phone keeps things in localStorage (logout wipes it all). */
  var KEYS = { people: "rapport:people", drafts: "rapport:drafts", owner: "rapport:owner" };

  /* The signed-in user's id, or null. */
  function currentUser() { return meta("rapport-user"); }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  /* Show a message like the server's flashes; `slot` names one that is updated instead of repeated. */
  function flash(text, kind, slot) {
    var main = document.getElementById("main");
    if (!main) { return; }
    var same = slot && main.querySelector('[data-flash-slot="' + slot + '"]');
    if (same) { same.textContent = text; return; }
    var box = main.querySelector(".flashes");
    if (!box) {
      box = document.createElement("div");
      box.className = "flashes";
      box.setAttribute("role", "status");
      main.insertBefore(box, main.firstChild);
    }
    var p = document.createElement("p");
    p.className = "flash flash-" + (kind || "success");
    p.textContent = text;
    if (slot) { p.setAttribute("data-flash-slot", slot); }
    box.appendChild(p);
  }

  /* A random UUID made on this phone (a capture's id). */
  function newUUID() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  /* A copy of the page's <template id=...>'s first element. */
  function fromTemplate(id) {
    var template = document.getElementById(id);
    return template ? template.content.firstElementChild.cloneNode(true) : null;
  }

  // Every htmx request carries the CSRF token as a header (Flask-WTF reads X-CSRFToken).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = meta("csrf-token") || "";
  });

  // Forms with data-confirm ask before they act (works with and without htmx).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // After an edit form swaps in, put the thumb where it is needed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.elt;
    if (!target || !target.querySelector) { return; }
    // A prepared export: fetch it at once (the link stays, for browsers that hold the download back).
    var ready = target.matches("[data-autodownload]") ? target : target.querySelector("[data-autodownload]");
    if (ready && !ready.hasAttribute("data-fetched")) { ready.setAttribute("data-fetched", ""); ready.click(); }
    var first = target.querySelector("[autofocus], .has-error input, .has-error textarea, .has-error select");
    if (first && typeof first.focus === "function") {
      first.focus({ preventScroll: true });
      // Centre it, so the sticky Save button and the bottom bar do not cover the field or its error.
      first.scrollIntoView({ block: "center" });
    }
  });

  /* Someone else logs in on this phone (the last user's session expired without a logout): the kept pages,
     recent people and drafts were theirs, so they go, before any script reads them. Their unsent notes stay,
     waiting for them. */
  (function claimStorage() {
    var user = currentUser();
    if (!user) { return; }
    try {
      var owner = localStorage.getItem(KEYS.owner);
      if (owner && owner !== user) {
        localStorage.removeItem(KEYS.people);
        localStorage.removeItem(KEYS.drafts);
        if (window.caches) { caches.delete("rapport-pages"); }
      }
      localStorage.setItem(KEYS.owner, user);
    } catch (e) { /* storage disabled */ }
  })();

  // The bottom dock (navigation and the unsynced bar): its height is the space the page and the sticky Save keep free.
  (function watchDock() {
    var dock = document.querySelector("[data-dock]");
    if (!dock) { return; }
    var measure = function () {
      document.documentElement.style.setProperty("--dock-h", dock.getBoundingClientRect().height + "px");
    };
    measure();
    if (window.ResizeObserver) { new ResizeObserver(measure).observe(dock); }
  })();

  return { urls: URLS, keys: KEYS, currentUser: currentUser, plural: plural, flash: flash, newUUID: newUUID,
           fromTemplate: fromTemplate };
})();
