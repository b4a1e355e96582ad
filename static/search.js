// The header search box: title suggestions as you type, from /w/rest.php/v1/search/title.
// An ARIA 1.2 combobox: arrow keys move through the list, Enter opens the highlighted page
// (or submits the search when none is), Escape closes the list. Without script, the box is a
// plain form that goes to Special:Search.
(function () {
  "use strict";
  var input = document.getElementById("searchInput");
  var list = document.getElementById("searchSuggestions");
  if (!input || !list || !window.fetch) return;
  var DELAY = 80;
  var LIMIT = 10;
  var timer = null;
  var active = -1;
  var items = [];
  var seq = 0;
  var cache = {};

  function pageHref(key) {
    // Like the server's page_url: keep the characters that need no escaping in a path.
    return "/wiki/" + encodeURIComponent(key)
      .replace(/%3A/g, ":").replace(/%2F/g, "/").replace(/%3B/g, ";")
      .replace(/%40/g, "@").replace(/%24/g, "$").replace(/%2C/g, ",");
  }

  function setActive(index) {
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = index;
    if (active >= 0 && items[active]) {
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    setActive(-1);
    items = [];
    list.textContent = "";
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function render(query, pages) {
    close();
    if (!pages.length) return;
    var typed = query.toLowerCase();
    pages.forEach(function (page, i) {
      var li = document.createElement("li");
      li.id = "searchSuggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = document.createElement("a");
      a.href = pageHref(page.key);
      a.tabIndex = -1;
      var title = page.title;
      if (title.toLowerCase().indexOf(typed) === 0 && typed.length) {
        var strong = document.createElement("strong");
        strong.textContent = title.slice(0, typed.length);
        a.appendChild(strong);
        a.appendChild(document.createTextNode(title.slice(typed.length)));
      } else {
        a.textContent = title;
      }
      li.appendChild(a);
      list.appendChild(li);
      items.push(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function suggest() {
    var query = input.value;
    if (!query.trim()) { close(); return; }
    if (cache[query]) { render(query, cache[query]); return; }
    var mine = ++seq;
    var url = "/w/rest.php/v1/search/title?limit=" + LIMIT + "&q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { pages: [] }; })
      .then(function (data) {
        var pages = (data && data.pages) || [];
        cache[query] = pages;
        if (mine === seq && input.value === query) render(query, pages);
      })
      .catch(function () { if (mine === seq) close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!items.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = active + step;
      if (next < -1) next = items.length - 1;
      if (next >= items.length) next = -1;
      setActive(next);
    } else if (event.key === "Enter" && active >= 0 && items[active]) {
      event.preventDefault();
      window.location.href = items[active].querySelector("a").href;
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault(); // close the list, but keep the text (a second Escape clears it)
      close();
    }
  });

  // Keep the focus in the box while a suggestion is clicked, so the click lands.
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
