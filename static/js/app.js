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

  // Forms and buttons with data-confirm ask before they act (works with and without htmx).
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
    var first = target.querySelector("[autofocus], .has-error input, .has-error textarea, .has-error select");
    if (first && typeof first.focus === "function") { first.focus({ preventScroll: false }); }
  });
})();
