/* Rapport's service worker. /sw.js serves this file after three constants: VERSION, PRECACHE (the
   versioned static files and the offline page) and RAPPORT_URLS (the app's URLs, from url_for).
   Static files: cache first. Pages: network first; Today, the capture screen and the 50 most recently
   viewed briefs are kept as the fallback. htmx fragments, search results and exports are never kept. */
/* global VERSION, PRECACHE, RAPPORT_URLS, RapportOutbox */
importScripts(RAPPORT_URLS.outbox);

var STATIC = "rapport-static-" + VERSION;
var PAGES = "rapport-pages";
var MAX_BRIEFS = 50;
var KEPT_AT = "X-Rapport-Kept-At";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC)
      // Without cookies: these answers are the same for everyone, and a Set-Cookie in one (the offline page
      // renders a CSRF token for an empty session) must not replace a session signed in meanwhile.
      .then(function (cache) {
        return cache.addAll(PRECACHE.map(function (url) { return new Request(url, { credentials: "omit" }); }));
      })
      .then(keepCapture)
      .then(function () { return self.skipWaiting(); })
  );
});

// The new version takes over at once and removes the files of the old ones.
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("rapport-static-") === 0 && name !== STATIC;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // POSTs go to the server; the pages queue failed captures
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.headers.get("HX-Request")) { return; }  // fragments are never kept
  if (url.pathname.indexOf(RAPPORT_URLS.static) === 0) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  }
});

self.addEventListener("message", function (event) {
  // Once per install is enough; visiting the capture screen refreshes the kept copy anyway.
  if (event.data && event.data.type === "keep-capture") {
    event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.match(RAPPORT_URLS.capture); })
      .then(function (kept) { return kept || keepCapture(); }));
  }
});

// Background Sync (where the browser has it): send the outbox, then tell the open pages.
self.addEventListener("sync", function (event) {
  if (event.tag === "rapport-outbox") {
    event.waitUntil(RapportOutbox.replay().then(function (outcome) {
      // Uncontrolled pages too: the page that queued the note may have loaded before this worker took over, and
      // when this sync wins the race its own replay finds nothing left to send (no "saved" message at all).
      return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (pages) {
        pages.forEach(function (client) { client.postMessage({ type: "outbox", outcome: outcome }); });
      });
    }));
  }
});

function staticFile(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (hit) {
      if (hit) { return hit; }
      return fetch(request).then(function (response) {
        if (response.ok && new URL(request.url).searchParams.get("v")) { cache.put(request, response.clone()); }
        return response;
      }).catch(function () {
        // A kept page may name an older version of a file: the current one beats nothing.
        return cache.match(request, { ignoreSearch: true }).then(function (near) { return near || Response.error(); });
      });
    });
  });
}

/* The cache key of a page worth keeping, or null. */
function keyFor(url) {
  var path = url.pathname;
  if (path === RAPPORT_URLS.today || path === RAPPORT_URLS.capture) { return path; }
  var rest = path.slice(RAPPORT_URLS.brief.length);
  if (path.indexOf(RAPPORT_URLS.brief) === 0 && /^\d+$/.test(rest)) { return path; }
  return null;
}

function page(event, url) {
  var key = keyFor(url);
  // The capture screen is kept plain: "?contact=ID" variants name someone.
  var keepable = key && !(key === RAPPORT_URLS.capture && url.search);
  return fetch(event.request).then(function (response) {
    if (keepable && response.status === 200 && !response.redirected && response.type === "basic") {
      event.waitUntil(keep(key, response.clone()));
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return (key ? cache.match(key, { ignoreVary: true }) : Promise.resolve(undefined)).then(function (hit) {
        if (hit) { return asOffline(hit); }
        return caches.match(RAPPORT_URLS.offline, { ignoreVary: true }).then(function (offline) {
          return offline || new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
        });
      });
    });
  });
}

function keep(key, response) {
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.delete("Content-Encoding");
    headers.delete("Content-Length");
    headers.set(KEPT_AT, new Date().toISOString());
    return caches.open(PAGES).then(function (cache) {
      return cache.put(key, new Response(body, { status: 200, headers: headers })).then(function () { return trim(cache); });
    });
  });
}

/* Keep only the most recently viewed briefs. */
function trim(cache) {
  return cache.keys().then(function (requests) {
    var briefs = requests.filter(function (request) {
      var key = keyFor(new URL(request.url));
      return key && key !== RAPPORT_URLS.today && key !== RAPPORT_URLS.capture;
    });
    if (briefs.length <= MAX_BRIEFS) { return; }
    return Promise.all(briefs.map(function (request) {
      return cache.match(request).then(function (hit) { return { request: request, at: hit ? hit.headers.get(KEPT_AT) : "" }; });
    })).then(function (dated) {
      dated.sort(function (a, b) { return a.at < b.at ? 1 : -1; });
      return Promise.all(dated.slice(MAX_BRIEFS).map(function (item) { return cache.delete(item.request); }));
    });
  });
}

/* A kept page, marked for the page script to show "offline, as of {time}". */
function asOffline(hit) {
  var at = hit.headers.get(KEPT_AT) || "";
  return hit.text().then(function (html) {
    html = html.replace("<body ", '<body data-offline-as-of="' + at.replace(/[^0-9TZ:.\-]/g, "") + '" ');
    return new Response(html, { status: 200, headers: hit.headers });
  });
}

/* Keep the capture screen, so that a note can be taken without signal (only when logged in). */
function keepCapture() {
  // The header keeps the server from handing this background fetch the user's pending messages.
  return fetch(RAPPORT_URLS.capture, { credentials: "same-origin", cache: "no-store", headers: { "X-Rapport-Background": "1" } }).then(function (response) {
    if (response.status === 200 && !response.redirected) { return keep(RAPPORT_URLS.capture, response); }
  }).catch(function () { /* offline: the next online visit keeps it */ });
}

/* Web Push (journal/push_messages.py): the payload is Declarative Web Push JSON, which iOS 18.4+ also shows without
   this worker. Here: show it, and set the app badge (promises due today) where the Badging API exists. */
self.addEventListener("push", function (event) {
  var message = pushMessage(event);
  if (!message) { return; }
  var shown = message.notification;
  var jobs = [self.registration.showNotification(shown.title, {
    body: shown.body || "", lang: shown.lang || "", dir: shown.dir || "auto", tag: shown.tag || "", icon: RAPPORT_URLS.icon,
    badge: RAPPORT_URLS.icon, data: { navigate: shown.navigate || RAPPORT_URLS.today }
  })];
  var badge = Number(message.app_badge !== undefined ? message.app_badge : shown.app_badge);
  if (!isNaN(badge) && self.navigator.setAppBadge) {
    jobs.push((badge > 0 ? self.navigator.setAppBadge(badge) : self.navigator.clearAppBadge()).catch(function () {}));
  }
  event.waitUntil(Promise.all(jobs));
});

/* The push's JSON, or null when it is not a message of ours. */
function pushMessage(event) {
  var message = null;
  try { message = event.data ? event.data.json() : null; } catch (e) { return null; }
  if (!message || !message.notification || typeof message.notification.title !== "string") { return null; }
  return message;
}

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(openNotification(event.notification));
});

/* Open what a notification points to (the brief, or Today) in an app window: one already open is focused and sent
   there, else a new one opens. Only this app's pages: a link anywhere else ("//evil.example/p" too) opens Today. */
function openNotification(notification) {
  var target = new URL(RAPPORT_URLS.today, self.location.origin);
  try {
    target = new URL((notification.data && notification.data.navigate) || RAPPORT_URLS.today, self.location.origin);
  } catch (e) { /* not a URL: Today */ }
  if (target.origin !== self.location.origin) { target = new URL(RAPPORT_URLS.today, self.location.origin); }
  var url = target.href;
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    var open = windows.filter(function (client) { return new URL(client.url).origin === self.location.origin; })[0];
    if (!open) { return self.clients.openWindow(url); }
    return open.focus().catch(function () { return open; }).then(function (focused) {
      return (focused || open).navigate ? (focused || open).navigate(url) : self.clients.openWindow(url);
    }).catch(function () { return self.clients.openWindow(url); });
  });
}
