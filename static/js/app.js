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

  function hasDraft() {
    try { return !!localStorage.getItem("rapport:draft:capture"); } catch (e) { return false; }
  }

  // Forms with data-confirm ask before they act (works with and without htmx); logging out warns
  // about an unsaved capture, because logout wipes the browser's storage.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && (form.getAttribute("data-confirm") ||
      (hasDraft() && form.getAttribute("data-confirm-if-draft")));
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // After an edit form swaps in, put the thumb where it is needed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.elt;
    if (!target || !target.querySelector) { return; }
    var first = target.querySelector("[autofocus], .has-error input, .has-error textarea, .has-error select");
    if (first && typeof first.focus === "function") {
      first.focus({ preventScroll: true });
      // Centre it, so the sticky Save button and the bottom bar do not cover the field or its error.
      first.scrollIntoView({ block: "center" });
    }
  });

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
  function draftKey(form) { return "rapport:draft:" + form.getAttribute("data-draft"); }

  function saveDraft(form) {
    if (!form || !form.hasAttribute || !form.hasAttribute("data-draft")) { return; }
    var data = { fields: {}, chosen: [] };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "q") { return; }
      if (el.type === "checkbox") {
        if (el.checked && el.closest("#chosen")) {
          data.chosen.push({ name: el.name, value: el.value, label: el.closest("label").textContent.trim() });
        }
      } else if (el.type === "radio") {
        if (el.checked) { data.fields[el.name] = el.value; }
      } else {
        data.fields[el.name] = el.value;
      }
    });
    try {
      localStorage.setItem(draftKey(form), JSON.stringify(data));
      var status = form.querySelector("[data-draft-status]");
      if (status) { status.textContent = "Draft kept on this phone until it is saved."; }
    } catch (e) { /* storage full or disabled: nothing more we can do here */ }
  }

  function restoreDraft(form) {
    var raw;
    try { raw = localStorage.getItem(draftKey(form)); } catch (e) { return; }
    if (!raw) { return; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { return; }
    Object.keys(data.fields || {}).forEach(function (name) {
      var els = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio") { el.checked = el.value === data.fields[name]; }
        else { el.value = data.fields[name]; }
      });
    });
    var chosen = document.getElementById("chosen");
    if (chosen && data.chosen && data.chosen.length) {
      // People the page chose itself (e.g. "+ Log" on a brief) stay chosen beside the draft's.
      var present = {};
      Array.prototype.forEach.call(chosen.querySelectorAll("input"), function (box) { present[box.name + ":" + box.value] = true; });
      data.chosen.forEach(function (item) {
        if (present[item.name + ":" + item.value]) { return; }
        var label = document.createElement("label");
        label.className = "chip chosen-chip" + (item.name === "new_contacts" ? " new" : "");
        var box = document.createElement("input");
        box.type = "checkbox"; box.name = item.name; box.value = item.value; box.checked = true;
        var span = document.createElement("span");
        span.textContent = " " + item.label;
        label.appendChild(box); label.appendChild(span);
        chosen.appendChild(label);
      });
    }
    Array.prototype.forEach.call(form.querySelectorAll("details"), function (details) {
      var filled = Array.prototype.some.call(details.querySelectorAll("input[type=text], textarea"), function (el) { return el.value; });
      if (filled) { details.open = true; }
    });
    var status = form.querySelector("[data-draft-status]");
    if (status) { status.textContent = "Your unsaved draft was restored."; }
  }

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

  // The server confirmed the save: forget the draft (HX-Trigger arrives before HX-Redirect).
  document.body.addEventListener("touchSaved", function (event) {
    var form = document.querySelector('form[data-draft="capture"]');
    var uuid = form && form.querySelector('[name="uuid"]');
    if (!event.detail || !uuid || event.detail.uuid === uuid.value || event.detail.sent === uuid.value) {
      try { localStorage.removeItem("rapport:draft:capture"); } catch (e) { /* ignore */ }
    }
  });

  function init() {
    var form = document.querySelector('form[data-draft]');
    if (form) { restoreDraft(form); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }

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
})();
