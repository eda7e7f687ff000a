/* Sharing a touch's recap: Web Share where the phone has it, and copy to the clipboard. */
(function () {
  "use strict";

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
