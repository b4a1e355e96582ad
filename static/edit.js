// Edit form helpers. Everything here is optional: the form works without JavaScript.
// 1. Keeps a draft of the text in localStorage while typing, and offers it back.
// (The conflict screen has no text box: one choice per block, composed on the server.)
(function () {
  "use strict";
  var form = document.getElementById("editform");
  var box = document.getElementById("wpTextbox1");
  if (!form) return;
  var key = "gotong-draft:" + form.getAttribute("data-draft-key");
  if (!box) {
    // The conflict screen: no text box, and no "restore" banner. Saving its choices publishes
    // the page, so the text this browser kept is done with (wiki.js clears it on arrival).
    form.addEventListener("submit", function (ev) {
      if (ev.submitter && ev.submitter.name === "wpSave") {
        try { window.localStorage.setItem(key + ":pending", "1"); } catch (e) { /* ignore */ }
      }
    });
    return;
  }
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }

  if (store) {
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    var bar = document.getElementById("local-draft");
    if (saved && saved.text && saved.text !== box.value && bar) {
      bar.hidden = false;
      document.getElementById("local-draft-restore").addEventListener("click", function () {
        box.value = saved.text;
        bar.hidden = true;
      });
      document.getElementById("local-draft-discard").addEventListener("click", function () {
        store.removeItem(key);
        bar.hidden = true;
      });
    }
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        try {
          store.setItem(key, JSON.stringify({ text: box.value, base: form.getAttribute("data-base"), at: Date.now() }));
        } catch (e) { /* storage full or disabled: the server keeps refused text anyway */ }
      }, 400);
    });
    // A successful save navigates away to the page; clear the draft when the page loads
    // without the edit form (see wiki.js), so keep it until then.
    form.addEventListener("submit", function (ev) {
      var btn = ev.submitter;
      if (btn && btn.name === "wpSave") {
        try { store.setItem(key + ":pending", "1"); } catch (e) { /* ignore */ }
      }
    });
  }
})();
