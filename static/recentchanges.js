// Live recent changes: new rows arrive as server-sent events and are added at the top.
// The server renders each row (escaped, in the reader's language); this only inserts it.
(function () {
  "use strict";
  var list = document.getElementById("rc-list");
  if (!list || !window.EventSource) return;
  var status = document.getElementById("rc-live-status");
  var url = list.getAttribute("data-stream-url");
  var last = list.getAttribute("data-last-id") || "0";
  var MAX_ROWS = 500;
  var source = null;

  function say(text) { if (status) status.setAttribute("data-state", text); }

  function add(data) {
    if (list.querySelector('[data-rc-id="' + data.id + '"]')) return;
    var holder = document.createElement("template");
    holder.innerHTML = data.html.trim();
    var row = holder.content.firstElementChild;
    if (!row) return;
    row.classList.add("live-new");
    list.insertBefore(row, list.firstElementChild);
    while (list.children.length > MAX_ROWS) list.removeChild(list.lastElementChild);
    var empty = document.querySelector(".empty");
    if (empty) empty.remove();
  }

  function connect() {
    // EventSource resends the last id it saw (Last-Event-ID) when it reconnects by itself.
    source = new EventSource(url + (url.indexOf("?") < 0 ? "?" : "&") + "since=" + last);
    source.addEventListener("open", function () { say("open"); });
    source.addEventListener("error", function () { say("reconnecting"); });
    source.addEventListener("change", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      last = String(data.id);
      add(data);
    });
  }

  connect();
  window.addEventListener("pagehide", function () { if (source) source.close(); });
})();
