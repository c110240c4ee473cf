/* Remote images that fail to load leave a tidy page: no broken icon, no box of alt text.
 *
 * Publishers' images come from their own hosts, and some of those fail. A failed card
 * thumbnail is removed, so the card lays out as a card without an image; a failed figure
 * on an article page goes with its figure; a failed logo simply goes. The site's CSS hides
 * alt text inside image boxes until this runs, and the pages work without it.
 * Loaded with `defer` from our own origin: the CSP allows no inline script.
 */
(function () {
  "use strict";

  function drop(img) {
    var card = img.closest(".card");
    var holder = img.closest("figure") || img;
    if (card) {
      card.classList.add("card--image-failed");
    }
    holder.remove();
  }

  function failed(img) {
    return img.complete && img.naturalWidth === 0 && img.getAttribute("src");
  }

  // `error` does not bubble, but it can be caught on the way down.
  document.addEventListener(
    "error",
    function (event) {
      if (event.target instanceof HTMLImageElement) {
        drop(event.target);
      }
    },
    true
  );

  // Images that failed before this script ran, and (once the page has loaded) any whose
  // error was dispatched while it was starting.
  function sweep() {
    Array.prototype.slice.call(document.images).forEach(function (img) {
      if (failed(img)) {
        drop(img);
      }
    });
  }
  sweep();
  window.addEventListener("load", sweep);
})();
