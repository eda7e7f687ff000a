/* Forms: one submit at a time for forms that create something, and counters for long text. */
(function () {
  "use strict";

  function submitButtons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type])");
  }

  // An htmx form's submit buttons are disabled while its request runs (a second tap does nothing).
  document.addEventListener("htmx:beforeSend", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || form.tagName !== "FORM") { return; }
    form.setAttribute("data-sending", "");
    Array.prototype.forEach.call(submitButtons(form), function (button) { button.disabled = true; });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || form.tagName !== "FORM" || form.hasAttribute("data-saved")) { return; }
    form.removeAttribute("data-sending");
    Array.prototype.forEach.call(submitButtons(form), function (button) { button.disabled = false; });
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

  // A page shown again from the back/forward cache: forms that were being sent can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), function (form) { form.removeAttribute("data-sending"); });
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
    counter.textContent = over ? (used - limit).toLocaleString() + " characters too many: shorten it to save."
      : used >= limit * 0.9 ? used.toLocaleString() + " of " + limit.toLocaleString() + " characters" : "";
    counter.classList.toggle("error", over);
    if (over) { field.setAttribute("aria-invalid", "true"); } else if (!field.closest(".has-error")) { field.removeAttribute("aria-invalid"); }
  }

  /* Bring every counter under `root` up to date (after a script filled its field). */
  function updateCounters(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-limit]"), updateCounter);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-limit]")) { updateCounter(event.target); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.elt && event.detail.elt.querySelectorAll) { updateCounters(event.detail.elt); }
  });

  // ---- The browser's time zone goes with sign-up and login (the server ignores a name it does not know) ----
  Array.prototype.forEach.call(document.querySelectorAll("input[data-browser-zone]"), function (field) {
    try { field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* no Intl: UTC */ }
  });

  Rapport.updateCounters = updateCounters;
  updateCounters(document);
})();
