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
