/* Sharing what the journal holds: a download's "being prepared" message, and a touch's recap (Web Share, copy). */
(function () {
  "use strict";

  // Downloads: say that the file is being prepared until the server starts sending it.
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

  // Recap: Web Share where available, else the mailto: link; and copy to the clipboard.
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
