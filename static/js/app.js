/* Rapport's small client script: CSRF for htmx, confirmations, focus after swaps. No inline scripts. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Every htmx request carries the CSRF token as a header (Flask-WTF reads X-CSRFToken).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
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
    // A capture form swapped in (a 422): the drafts waiting beside it, and its counter.
    if (target.matches("form[data-draft]")) { showDrafts(target); updateCounters(target); }
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

  // ---- Forms that create something: one submit at a time -------------------------------------
  // An htmx form's submit buttons are disabled while its request runs (a second tap does nothing).
  document.addEventListener("htmx:beforeSend", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || form.tagName !== "FORM") { return; }
    form.setAttribute("data-sending", "");
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"), function (button) {
      button.disabled = true;
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || form.tagName !== "FORM" || form.hasAttribute("data-saved")) { return; }
    form.removeAttribute("data-sending");
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"), function (button) {
      button.disabled = false;
    });
  });
  // A plain form that creates something (data-once) is sent once: a second tap while the page loads does nothing.
  // (The server also answers a repeat with what the first one created: journal/once.py.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-once") || form.hasAttribute("hx-post")) { return; }
    if (form.hasAttribute("data-sending")) { event.preventDefault(); return; }
    form.setAttribute("data-sending", "");
    // A page that never comes (no signal) must not lock the form: a later tap may send it again, and the
    // server still stores it once.
    window.setTimeout(function () { form.removeAttribute("data-sending"); }, 8000);
  });

  // ---- Long text: say how much fits before Save, not only after it ------------------------------
  /* The length the server counts: trimmed, in characters (not UTF-16 units), a line break as one. */
  function serverLength(text) {
    return Array.from(text.trim().replace(/\r\n/g, "\n")).length;
  }

  function updateCounter(field) {
    var counter = document.getElementById(field.id + "-counter");
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    if (!counter || !limit) { return; }
    var used = serverLength(field.value);
    var over = used > limit;
    // Quiet until the last tenth: most notes are short.
    counter.textContent = over ? (used - limit).toLocaleString() + " characters too many: shorten the note to Save it."
      : used >= limit * 0.9 ? used.toLocaleString() + " of " + limit.toLocaleString() + " characters" : "";
    counter.classList.toggle("error", over);
    if (over) { field.setAttribute("aria-invalid", "true"); } else if (!field.closest(".has-error")) { field.removeAttribute("aria-invalid"); }
  }

  function updateCounters(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-limit]"), updateCounter);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-limit]")) { updateCounter(event.target); }
  });

  // ---- The bottom dock: its height is the space the page and the sticky Save keep free ---------
  function watchDock() {
    var dock = document.querySelector("[data-dock]");
    if (!dock) { return; }
    var measure = function () {
      document.documentElement.style.setProperty("--dock-h", dock.getBoundingClientRect().height + "px");
    };
    measure();
    if (window.ResizeObserver) { new ResizeObserver(measure).observe(dock); }
  }

  // ---- Quick capture: picking people from the type-ahead ----------------------------------
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[type="checkbox"]')) { return; }
    var label = box.closest("label");
    var chosen = document.getElementById("chosen");
    if (!label || !chosen) { return; }
    if (box.checked && label.closest("#contact-suggestions") &&
        chosen.querySelector('input[name="' + box.name + '"][value="' + CSS.escape(box.value) + '"]')) {
      label.remove();  // already chosen
      var list0 = document.getElementById("contact-suggestions");
      if (list0) { list0.textContent = ""; }
    } else if (box.checked && label.closest("#contact-suggestions")) {
      label.className = "chip chosen-chip" + (box.name === "new_contacts" ? " new" : "");
      var text = label.querySelector(".person-name") || label.querySelector("span:last-child");
      var name = text ? text.textContent : box.value;
      if (box.name === "new_contacts") { name = box.value + " (new)"; }
      label.textContent = "";
      label.appendChild(box);
      var span = document.createElement("span");
      span.textContent = " " + name;
      label.appendChild(span);
      chosen.appendChild(label);
      var who = document.getElementById("who");
      if (who) { who.value = ""; }
      var list = document.getElementById("contact-suggestions");
      if (list) { list.textContent = ""; }
      var note = document.getElementById("note");
      if (note) { note.focus(); }
    } else if (!box.checked && label.closest("#chosen")) {
      label.remove();
    }
    saveDraft(box.form);
  });

  // Enter (the keyboard's search key) in the type-ahead picks the first suggestion; it never saves.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches("#who")) { return; }
    event.preventDefault();
    var first = document.querySelector("#contact-suggestions input[type=checkbox]");
    if (first) {
      first.checked = true;
      first.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // ---- Drafts: what is typed survives a closed tab or a lost connection ---------------------
  /* Drafts of the capture form, most recent first, each {uuid, fields, chosen, error?}. A draft belongs to
     the people it names: a capture opened for someone else never takes it over silently, it offers it. */
  var DRAFTS_KEY = "rapport:drafts";
  var TEXT_FIELDS = ["note", "promise_text", "fact", "gift_idea"];

  /* A draft with no text is no draft (a person chosen and a few letters deleted are not worth keeping). */
  function hasText(data) {
    return !!data && !!data.fields && TEXT_FIELDS.some(function (name) { return (data.fields[name] || "").trim(); });
  }

  function readDrafts() {
    var list;
    try {
      list = JSON.parse(localStorage.getItem(DRAFTS_KEY) || "[]");
      // A draft kept by an earlier version of this script, under its single key.
      var old = JSON.parse(localStorage.getItem("rapport:draft:capture") || "null");
      if (old) {
        localStorage.removeItem("rapport:draft:capture");
        old.uuid = (old.fields && old.fields.uuid) || newUUID();
        list = [old].concat(list);
        writeDrafts(list);
      }
    } catch (e) { return []; }
    return Array.isArray(list) ? list.filter(hasText) : [];
  }

  function writeDrafts(list) {
    try {
      if (list.length) { localStorage.setItem(DRAFTS_KEY, JSON.stringify(list)); } else { localStorage.removeItem(DRAFTS_KEY); }
    } catch (e) { /* storage full or disabled: nothing more we can do here */ }
  }

  function forgetDraft(uuid) {
    writeDrafts(readDrafts().filter(function (d) { return d.uuid !== uuid; }));
  }


  function formUUID(form) {
    var box = form.querySelector('[name="uuid"]');
    return box ? box.value : "";
  }

  /* What the capture form holds now, as a draft. */
  function draftOf(form) {
    var data = { uuid: formUUID(form), fields: {}, chosen: chosenOf(form) };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "q" || el.type === "checkbox") { return; }
      if (el.type === "radio") {
        if (el.checked) { data.fields[el.name] = el.value; }
      } else {
        data.fields[el.name] = el.value;
      }
    });
    return data;
  }

  function saveDraft(form) {
    if (!form || !form.hasAttribute || !form.hasAttribute("data-draft")) { return; }
    var data = draftOf(form);
    var others = readDrafts().filter(function (d) { return d.uuid !== data.uuid; });
    writeDrafts(hasText(data) ? [data].concat(others) : others);
    var status = form.querySelector("[data-draft-status]");
    if (status) { status.textContent = hasText(data) ? "Draft kept on this phone until it is saved." : ""; }
  }

  /* A chosen person on the capture form: {name: "contact_ids" or "new_contacts", value, label}. */
  function chosenChip(item) {
    var label = document.createElement("label");
    label.className = "chip chosen-chip" + (item.name === "new_contacts" ? " new" : "");
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = item.name; box.value = item.value; box.checked = true;
    var span = document.createElement("span");
    span.textContent = " " + item.label;
    label.appendChild(box); label.appendChild(span);
    return label;
  }

  /* Put a draft into the form: its fields, its id and its people (and only its people). */
  function fillForm(form, data) {
    Object.keys(data.fields || {}).forEach(function (name) {
      Array.prototype.forEach.call(form.querySelectorAll('[name="' + CSS.escape(name) + '"]'), function (el) {
        if (el.type === "radio") { el.checked = el.value === data.fields[name]; } else { el.value = data.fields[name]; }
      });
    });
    form.querySelector('[name="uuid"]').value = data.uuid;
    var chosen = form.querySelector("#chosen");
    chosen.textContent = "";
    (data.chosen || []).forEach(function (item) { chosen.appendChild(chosenChip(item)); });
    Array.prototype.forEach.call(form.querySelectorAll("details"), function (details) {
      var filled = Array.prototype.some.call(details.querySelectorAll("input[type=text], textarea"), function (el) { return el.value; });
      if (filled) { details.open = true; }
    });
    updateCounters(form);
  }

  function whoOf(data) {
    var names = (data.chosen || []).map(function (c) { return c.label; });
    return names.length ? " for " + names.join(", ") : "";
  }

  function bannerButton(text, action, uuid) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small";
    button.textContent = text;
    button.setAttribute("data-draft-action", action);
    if (uuid) { button.setAttribute("data-draft-uuid", uuid); }
    return button;
  }

  /* The message at the top of the capture form: the draft it holds, and the other drafts waiting. */
  function showDrafts(form) {
    var banner = form.querySelector("[data-draft-banner]");
    if (!banner) { return; }
    banner.textContent = "";
    var uuid = formUUID(form);
    readDrafts().forEach(function (data) {
      var line = document.createElement("div");
      line.className = "draft-line";
      var text = document.createElement("p");
      var buttons = document.createElement("div");
      buttons.className = "button-row";
      if (data.uuid === uuid) {
        if (form.getAttribute("data-restored") !== uuid) { return; }  // typed here, not restored
        text.textContent = data.error
          ? "This note was kept on the phone but the server refused it: " + data.error
          : "Your unsaved note" + whoOf(data) + " was restored.";
        buttons.appendChild(bannerButton("Discard", "discard-current"));
      } else {
        text.textContent = "You have an unsaved note" + whoOf(data) + ".";
        buttons.appendChild(bannerButton("Continue it", "continue", data.uuid));
        buttons.appendChild(bannerButton("Discard it", "discard", data.uuid));
      }
      line.appendChild(text);
      line.appendChild(buttons);
      banner.appendChild(line);
    });
    banner.hidden = !banner.childNodes.length;
  }

  /* Open the capture form: take up the right draft, offer the others. Text typed before this script ran
     is never overwritten, and a capture opened for someone (a brief's "+ Log") only takes a draft that is
     about that person. */
  function restoreDrafts(form) {
    var drafts = readDrafts();
    var page = chosenOf(form).map(function (c) { return c.name + ":" + c.value; });
    var typed = hasText(draftOf(form));
    var current = typed ? null : drafts.filter(function (data) {
      var mine = (data.chosen || []).map(function (c) { return c.name + ":" + c.value; });
      return page.every(function (key) { return mine.indexOf(key) !== -1; });
    })[0];
    if (current) {
      fillForm(form, current);
      form.setAttribute("data-restored", current.uuid);
      var status = form.querySelector("[data-draft-status]");
      if (status) { status.textContent = "Draft kept on this phone until it is saved."; }
      // Where the eye starts, not under the Save button.
      if (current.error) { flash("This note from the phone was not saved: " + current.error + " Fix it and Save again.", "error"); }
    } else if (!typed) {
      // A new capture gets a new id made on this phone: the page may be a kept copy shown offline.
      form.querySelector('[name="uuid"]').value = newUUID();
    }
    showDrafts(form);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-draft-action]");
    var form = button && button.closest("form[data-draft]");
    if (!form) { return; }
    var action = button.getAttribute("data-draft-action");
    if (action === "discard-current") {
      forgetDraft(formUUID(form));
      form.removeAttribute("data-restored");
      // The form as this address serves it: empty, with only the person it was opened for.
      location.replace(location.href);
      return;
    }
    var uuid = button.getAttribute("data-draft-uuid");
    if (action === "discard") {
      forgetDraft(uuid);
    } else if (action === "continue") {
      var wanted = readDrafts().filter(function (d) { return d.uuid === uuid; })[0];
      if (wanted) {
        saveDraft(form);  // what was typed here waits in its turn (only if it has text)
        fillForm(form, wanted);
        form.setAttribute("data-restored", wanted.uuid);
        var note = form.querySelector("#note");
        if (note) { note.focus({ preventScroll: true }); }
      }
    }
    showDrafts(form);
  });

  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.name !== "q") { saveDraft(event.target.form); }
  });

  // The time of a capture is the moment it was written, not the moment it reaches the server.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-draft")) { return; }
    var when = form.querySelector('[name="happened_at"]');
    if (when && !when.value) {
      var now = new Date();
      now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
      when.value = now.toISOString().slice(0, 16);
    }
    saveDraft(form);
  }, true);

  /* The server stored the capture: forget its draft, and leave the form for the brief, replacing it in the
     history, so that Back never shows a form that could store the same note again. */
  document.body.addEventListener("touchSaved", function (event) {
    var detail = event.detail || {};
    forgetDraft(detail.uuid);
    forgetDraft(detail.sent);
    var form = document.querySelector('form[data-draft="capture"]');
    if (form) { form.setAttribute("data-saved", ""); }
    if (detail.url) { location.replace(detail.url); }
  });

  // A page shown again from the back/forward cache: a saved capture form starts afresh, and forms that were
  // being sent can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    if (document.querySelector("form[data-draft][data-saved]")) { location.reload(); return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), function (form) { form.removeAttribute("data-sending"); });
  });

  function init() {
    var form = document.querySelector('form[data-draft="capture"]');
    if (form) {
      preselectFromAddress();
      restoreDrafts(form);
    }
    updateCounters(document);
    watchDock();
  }

  function newUUID() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ---- Downloads: say that the file is being prepared until the server starts sending it ----------
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-download]");
    if (!link) { return; }
    var token = Math.random().toString(36).slice(2);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("token", token);
    link.href = url.toString();
    var status = document.querySelector("[data-download-status]");
    if (status) { status.textContent = "Preparing your file… large journals take a few seconds."; }
    var started = Date.now();
    var timer = window.setInterval(function () {
      if (document.cookie.indexOf("download_" + token + "=") !== -1 || Date.now() - started > 120000) {
        window.clearInterval(timer);
        if (status) { status.textContent = "Your download has started."; }
        document.cookie = "download_" + token + "=; Max-Age=0; path=/";
      }
    }, 400);
  });

  // ---- Recap: Web Share where available, else the mailto: link; and copy to the clipboard ----
  document.addEventListener("click", function (event) {
    var share = event.target.closest && event.target.closest("[data-share]");
    if (share && navigator.share) {
      event.preventDefault();
      navigator.share({ title: share.getAttribute("data-share-title") || "", text: share.getAttribute("data-share") })
        .catch(function () { /* the user closed the share sheet */ });
      return;
    }
    var copy = event.target.closest && event.target.closest("[data-copy]");
    if (copy) {
      event.preventDefault();
      var source = document.getElementById(copy.getAttribute("data-copy"));
      var text = source ? source.value || source.textContent : "";
      var done = function () { copy.textContent = "Copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { source.select(); document.execCommand("copy"); done(); });
      } else if (source) { source.select(); document.execCommand("copy"); done(); }
    }
  });

  // ---- Offline: the service worker, notes kept on this phone, kept pages, logout on a shared phone ----
  var URLS = (function () {
    var meta = document.querySelector('meta[name="rapport-urls"]');
    try { return JSON.parse(meta.getAttribute("content")); } catch (e) { return {}; }
  })();
  var PEOPLE_KEY = "rapport:people";

  function currentUser() {
    var meta = document.querySelector('meta[name="rapport-user"]');
    return meta ? meta.getAttribute("content") : null;
  }

  if ("serviceWorker" in navigator && URLS.sw) {
    navigator.serviceWorker.register(URLS.sw).then(function (registration) {
      // Logged in: make sure the capture screen is kept for the car park.
      if (currentUser() && registration.active) { registration.active.postMessage({ type: "keep-capture" }); }
    }).catch(function () { /* no service worker: the app still works online */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") { showOutcome(event.data.outcome); }
    });
  }

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

  /* The bar above the navigation: "N unsynced", Sync now, and Log in when the session has ended. */
  var lastOutcome = null;
  function refreshBar() {
    var bar = document.querySelector("[data-outbox-bar]");
    if (!bar || typeof RapportOutbox === "undefined") { return Promise.resolve(); }
    return RapportOutbox.pending(currentUser()).then(function (items) {
      var attention = items.filter(function (item) { return item.status === "attention"; }).length;
      bar.hidden = !items.length;
      var text = plural(items.length, "note", "notes") + " unsynced";
      if (attention) { text += " (" + attention + " need" + (attention === 1 ? "s" : "") + " a look)"; }
      if (!navigator.onLine) { text += ". Offline: they will be sent when you are back online."; }
      bar.querySelector("[data-outbox-count]").textContent = text;
      var login = bar.querySelector("[data-outbox-login]");
      var needsLogin = !currentUser() || (lastOutcome && lastOutcome.login);
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
    if (outcome && outcome.sent) { flash(plural(outcome.sent, "note", "notes") + " from this phone saved to the journal.", "success", "outbox"); }
    return refreshBar();
  }

  /* Send what waits in the outbox (when online and logged in). */
  function syncNow() {
    if (typeof RapportOutbox === "undefined" || !navigator.onLine || !currentUser()) { return refreshBar(); }
    return RapportOutbox.pending(currentUser()).then(function (items) {
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
    RapportOutbox.pending(currentUser()).then(function (items) {
      var item = items.filter(function (i) { return i.status === "attention"; })[0];
      if (!item) { return; }
      var fields = {};
      item.fields.forEach(function (pair) { if (pair[0] !== "contact_ids" && pair[0] !== "new_contacts") { fields[pair[0]] = pair[1]; } });
      fields.uuid = item.uuid;
      writeDrafts([{ uuid: item.uuid, fields: fields, chosen: item.chosen || [], error: item.error }].concat(readDrafts()));
      return RapportOutbox.remove(item.uuid).then(function () { location.href = URLS.capture; });
    });
  }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("rapport-outbox"); }
    }).catch(function () { /* no Background Sync (iOS, Firefox): "online" and app open replay instead */ });
  }

  /* The people chosen on a capture form, for the outbox and the draft. */
  function chosenOf(form) {
    return Array.prototype.map.call(form.querySelectorAll("#chosen input:checked"), function (box) {
      return { name: box.name, value: box.value, label: box.closest("label").textContent.trim() };
    });
  }

  /* Keep a capture in the outbox: the server could not be reached. */
  function queueCapture(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "q") { fields.push([name, String(value)]); }
    });
    var chosen = chosenOf(form);
    var who = form.querySelector("fieldset.who");
    var old = form.querySelector("[data-offline-error]");
    if (old) { old.remove(); }
    if (!chosen.length) {
      var error = document.createElement("p");
      error.className = "error";
      error.setAttribute("data-offline-error", "");
      error.textContent = "Choose who this was with, or type a new name.";
      who.appendChild(error);
      return;
    }
    var uuid = form.querySelector('[name="uuid"]').value;
    RapportOutbox.add({ uuid: uuid, user: currentUser(), fields: fields, chosen: chosen }).then(function () {
      forgetDraft(uuid);
      form.removeAttribute("data-restored");
      form.reset();
      form.querySelector('[name="uuid"]').value = newUUID();
      form.querySelector("#chosen").textContent = "";
      Array.prototype.forEach.call(form.querySelectorAll("details"), function (d) { d.open = false; });
      var status = form.querySelector("[data-draft-status]");
      if (status) { status.textContent = ""; }
      showDrafts(form);
      updateCounters(form);
      // One line, updated for each note, so that five notes in a dead zone do not push the form down.
      flash("Saved on this phone, will sync (with " + chosen.map(function (c) { return c.label; }).join(", ") + ").",
        "success", "outbox-kept");
      window.scrollTo(0, 0);
      requestBackgroundSync();
      // Online but the answer was lost (a flaky network): try again now; the server knows the UUID.
      return navigator.onLine ? syncNow() : refreshBar();
    }, function () {
      flash("This phone could not keep the note: it stays in the form as a draft. Try again when you have signal.", "error");
    });
  }

  function isCapturePost(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.id === "capture-form";
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (navigator.onLine || !elt) { return; }
    if (elt.id === "capture-form") {
      event.preventDefault();
      queueCapture(elt);
    } else if (elt.id === "who") {
      event.preventDefault();
      localSuggestions(elt.value);
    } else if (elt.id === "q") {
      event.preventDefault();
      searchOffline();
    }
  });

  // The request never reached the server (no signal, though the phone thought it had some).
  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail && event.detail.elt;
    if (isCapturePost(event)) { queueCapture(elt); }
    else if (elt && elt.id === "who") { localSuggestions(elt.value); }
    else if (elt && elt.id === "q") { searchOffline(); }
    else {
      // Any other change needs the server; what was typed stays in the form for another try.
      flash("No connection: that needs the network, and nothing was changed. Only new notes (Capture) are kept on this phone.",
        "warning", "offline");
      window.scrollTo(0, 0);
    }
  });

  function searchOffline() {
    var results = document.getElementById("search-results");
    if (!results) { return; }
    results.textContent = "";
    var p = document.createElement("p");
    p.className = "flash flash-warning";
    p.textContent = "Search needs a connection. People you opened recently are still on this phone: see Today and People.";
    results.appendChild(p);
  }

  // ---- People seen on this phone: the type-ahead without signal -------------------------------
  function fold(text) { return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  function recentPeople() {
    try { return JSON.parse(localStorage.getItem(PEOPLE_KEY) || "[]"); } catch (e) { return []; }
  }

  function rememberPerson() {
    var brief = document.querySelector(".brief[data-contact-id]");
    if (!brief || document.body.hasAttribute("data-offline-as-of")) { return; }
    var id = brief.getAttribute("data-contact-id");
    var people = recentPeople().filter(function (p) { return p.id !== id; });
    people.unshift({ id: id, name: brief.getAttribute("data-contact-name") });
    try { localStorage.setItem(PEOPLE_KEY, JSON.stringify(people.slice(0, 50))); } catch (e) { /* full */ }
  }

  function suggestion(name, value, text, isNew) {
    var label = document.createElement("label");
    label.className = "suggestion" + (isNew ? " new" : "");
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = name; box.value = value;
    var avatar = document.createElement("span");
    avatar.className = "avatar small";
    avatar.setAttribute("aria-hidden", "true");
    avatar.textContent = isNew ? "+" : text.split(/\s+/).filter(Boolean).map(function (w) { return w[0]; }).join("").slice(0, 2).toUpperCase();
    var words = document.createElement("span");
    words.className = isNew ? "" : "person-text";
    var inner = document.createElement("span");
    inner.className = isNew ? "" : "person-name";
    inner.textContent = isNew ? "Add “" + text + "” as a new person" : text;
    words.appendChild(inner);
    label.appendChild(box); label.appendChild(avatar); label.appendChild(words);
    return label;
  }

  function localSuggestions(typed) {
    var list = document.getElementById("contact-suggestions");
    if (!list) { return; }
    typed = (typed || "").trim().replace(/\s+/g, " ");
    list.textContent = "";
    if (!typed) { return; }
    var wanted = fold(typed);
    var matches = recentPeople().filter(function (p) {
      return fold(p.name).split(/\s+/).some(function (word) { return word.indexOf(wanted) === 0; }) || fold(p.name).indexOf(wanted) === 0;
    }).slice(0, 8);
    var note = document.createElement("p");
    note.className = "muted small";
    note.textContent = "Offline: people you opened on this phone.";
    list.appendChild(note);
    matches.forEach(function (p) { list.appendChild(suggestion("contact_ids", p.id, p.name, false)); });
    if (!matches.some(function (p) { return fold(p.name) === wanted; })) {
      list.appendChild(suggestion("new_contacts", typed, typed, true));
    }
  }

  /* "/capture?contact=ID" from a kept brief: choose that person, even offline. */
  function preselectFromAddress() {
    var id = new URLSearchParams(location.search).get("contact");
    var chosen = document.getElementById("chosen");
    if (!id || !chosen || chosen.querySelector('input[name="contact_ids"][value="' + CSS.escape(id) + '"]')) { return; }
    var person = recentPeople().filter(function (p) { return p.id === id; })[0];
    if (person) { chosen.appendChild(chosenChip({ name: "contact_ids", value: person.id, label: person.name })); }
  }

  // ---- Kept pages shown offline ----------------------------------------------------------------
  function offlineInit() {
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
    forgetAnotherUsersPages();
    rememberPerson();
    refreshBar().then(function () { if (navigator.onLine) { syncNow(); } });
  }

  /* Someone else logs in on this phone (the last user's session expired without a logout): the kept
     pages and recent people were theirs, so they go. Their unsent notes stay, waiting for them. */
  function forgetAnotherUsersPages() {
    var user = currentUser();
    if (!user) { return; }
    var owner;
    try { owner = localStorage.getItem("rapport:owner"); } catch (e) { return; }
    if (owner && owner !== user) {
      try { localStorage.removeItem(PEOPLE_KEY); localStorage.removeItem(DRAFTS_KEY); } catch (e) { /* ignore */ }
      if (window.caches) { caches.delete("rapport-pages"); }
    }
    try { localStorage.setItem("rapport:owner", user); } catch (e) { /* ignore */ }
  }

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

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", offlineInit); } else { offlineInit(); }

  // ---- Logout on a shared phone: send what waits, warn about what cannot be sent, then wipe -------
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
    syncNow().then(function () {
      return typeof RapportOutbox === "undefined" ? [] : RapportOutbox.all();
    }).catch(function () { return []; }).then(function (left) {
      var unsent = left.length + readDrafts().length;
      if (unsent && !window.confirm(plural(unsent, "note is", "notes are") + " only on this phone and could not be sent. " +
          "Logging out deletes " + (unsent === 1 ? "it" : "them") + " from this phone. Log out anyway?")) {
        return;
      }
      return wipeBrowser().then(function () {
        form.setAttribute("data-logout-ready", "");
        form.submit();
      });
    });
  }, true);

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
