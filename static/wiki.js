// Site-wide, optional: after a successful save lands on the page, forget the browser draft.
(function () {
  "use strict";
  var key = document.body.getAttribute("data-page-key");
  if (!key || document.getElementById("editform")) return;
  var store = null;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) return;
  var prefix = "gotong-draft:" + key;
  var doomed = [];
  for (var i = 0; i < store.length; i++) {
    var k = store.key(i);
    if (k && (k === prefix + ":pending" || k.indexOf(prefix + "#") === 0) && /:pending$/.test(k)) {
      doomed.push(k, k.slice(0, -":pending".length));
    }
  }
  doomed.forEach(function (k) { store.removeItem(k); });
})();

// On a phone, the main menu starts folded (without script it stays open: nothing is hidden).
(function () {
  "use strict";
  var menu = document.getElementById("p-navigation");
  if (menu && window.matchMedia && window.matchMedia("(max-width: 720px)").matches) {
    menu.removeAttribute("open");
  }
})();

// After a redirect was followed, show the target's address, as MediaWiki does; the
// "Redirected from" line stays. The target comes from the page's canonical link.
(function () {
  "use strict";
  var from = document.getElementById("contentSub");
  var canonical = document.querySelector('link[rel="canonical"]');
  if (!from || !canonical || !from.classList.contains("redirected-from")) return;
  if (!window.history || !window.history.replaceState) return;
  var target = new URL(canonical.getAttribute("href"), window.location.href);
  if (target.origin !== window.location.origin) return;
  window.history.replaceState(null, "", target.pathname + target.search + window.location.hash);
})();
