/* Rapport's offline outbox: captures that could not be sent wait in IndexedDB, keyed by the UUID the
   phone gave them, until they can be sent. Loaded by the pages and by the service worker (importScripts),
   so that both replay the same way. The server stores a UUID once, so sending twice never duplicates. */
var RapportOutbox = (function () {
  "use strict";

  var DB_NAME = "rapport";
  var STORE = "outbox";

  /* The database, or null when it does not exist and `create` is false: reading an empty outbox
     must not leave a database behind (after logout, nothing of ours stays on the phone). */
  function open(create) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        if (!create) { request.transaction.abort(); return; }
        request.result.createObjectStore(STORE, { keyPath: "uuid" });
      };
      request.onsuccess = function () {
        var db = request.result;
        // Logout deletes the database: never hold it open against that.
        db.onversionchange = function () { db.close(); };
        resolve(db);
      };
      request.onerror = function (event) {
        if (!create) { event.preventDefault(); resolve(null); } else { reject(request.error); }
      };
    });
  }

  // One transaction on the store; the connection is closed when it completes.
  function withStore(mode, work, empty) {
    return open(mode === "readwrite" && empty === undefined).then(function (db) {
      if (!db) { return empty; }
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        Promise.resolve(work(tx.objectStore(STORE))).then(function (value) { result = value; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function asPromise(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  /* Keep a capture: {uuid, user, fields: [[name, value], ...], chosen: [...], queuedAt}. */
  function add(item) {
    item.queuedAt = item.queuedAt || new Date().toISOString();
    item.status = "waiting";
    item.error = "";
    return withStore("readwrite", function (store) { store.put(item); });
  }

  function all() {
    return withStore("readonly", function (store) { return asPromise(store.getAll()); }, []);
  }

  function remove(uuid) {
    return withStore("readwrite", function (store) { store.delete(uuid); }, null);
  }

  function put(item) {
    return withStore("readwrite", function (store) { store.put(item); });
  }

  /* The notes of one user (the others wait for their owner to log in on this phone). */
  function pending(user) {
    return all().then(function (items) {
      return items.filter(function (item) { return !user || item.user === user; });
    });
  }

  function wipe() {
    return new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
  }

  var HEADERS = { "X-Rapport-Outbox": "1" };

  // The server's URLs (url_for): a meta tag on pages, a constant in the service worker.
  function urls() {
    if (typeof RAPPORT_URLS !== "undefined") { return RAPPORT_URLS; }
    var meta = document.querySelector('meta[name="rapport-urls"]');
    return JSON.parse(meta.getAttribute("content"));
  }

  function token() {
    return fetch(urls().token, { credentials: "same-origin", cache: "no-store", headers: HEADERS })
      .then(function (response) {
        if (response.status === 401) { return { login: true }; }
        if (!response.ok) { throw new Error("token " + response.status); }
        return response.json();
      });
  }

  function send(item, csrf) {
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.set("uuid", item.uuid);
    return fetch(urls().touches, {
      method: "POST", credentials: "same-origin", cache: "no-store", body: body,
      headers: Object.assign({ "X-CSRFToken": csrf }, HEADERS),
    });
  }

  /* From now on the page's forms and htmx carry the fresh token: a page opened from the phone's cache may hold an
     old one, and its next request (the note's chips, a promise's Done) would be refused with a 400. */
  function freshenPage(csrf) {
    if (typeof document === "undefined" || !csrf) { return; }  // the service worker has no page
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { meta.setAttribute("content", csrf); }
    Array.prototype.forEach.call(document.querySelectorAll('input[name="csrf_token"]'), function (input) {
      input.value = csrf;
    });
  }

  var running = null;

  /* Send every waiting note of the logged-in user. A fresh CSRF token is fetched first, so a note
     queued hours ago is not refused for its page's old token. Resolves to
     {sent, left, login, failed}: `login` when the session has ended (the notes stay). */
  function replay() {
    if (running) { return running; }
    var outcome = { sent: 0, left: 0, login: false, failed: false };
    running = token().then(function (answer) {
      if (answer.login) {
        outcome.login = true;
        return all().then(function (items) { outcome.left = items.length; });
      }
      freshenPage(answer.token);
      return pending(answer.user).then(function (items) {
        var chain = Promise.resolve();
        items.forEach(function (item) {
          chain = chain.then(function () {
            if (outcome.login || outcome.failed || item.status === "attention") { outcome.left += 1; return; }
            return send(item, answer.token).then(function (response) {
              if (response.status === 200 || response.status === 201) {
                outcome.sent += 1;
                return remove(item.uuid);
              }
              outcome.left += 1;
              if (response.status === 401) { outcome.login = true; return; }
              if (response.status === 422) {
                return response.json().then(function (data) {
                  item.status = "attention";
                  item.error = (data.errors || []).join(" ");
                  return put(item);
                });
              }
              outcome.failed = true;  // the server had trouble: try again later
            });
          });
        });
        return chain;
      });
    }).catch(function () {
      outcome.failed = true;
      return all().then(function (items) { outcome.left = items.length; }, function () {});
    }).then(function () {
      running = null;
      return outcome;
    });
    return running;
  }

  return { add: add, all: all, pending: pending, remove: remove, put: put, replay: replay, wipe: wipe };
})();
