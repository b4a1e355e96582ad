// Talk pages: open the reply form under the comment instead of on its own page.
// Optional: without JavaScript every Reply link opens the same form (Special:Reply) as a page.
// The form is fetched from that page, so it carries a fresh session token, and it is posted
// as an ordinary form: the server inserts the reply and comes back to it on the page.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !document.querySelector("a.talk-reply")) return;
  var openFor = null;

  function close() {
    var old = document.getElementById("talk-inline-reply");
    if (old) old.parentNode.removeChild(old);
    openFor = null;
  }

  function place(link, box) {
    var li = link.closest("li");
    var p = link.closest("p");
    if (p && (!li || li.contains(p))) {
      p.parentNode.insertBefore(box, p.nextSibling);
      return;
    }
    if (li) {
      var nested = null;
      for (var i = 0; i < li.children.length; i++) {
        if (/^(UL|OL)$/.test(li.children[i].tagName)) { nested = li.children[i]; break; }
      }
      li.insertBefore(box, nested);
      return;
    }
    link.parentNode.parentNode.insertBefore(box, link.parentNode.nextSibling);
  }

  function open(link) {
    if (openFor === link) return;
    close();
    openFor = link;
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var form = doc.querySelector("form.talk-reply-form");
        if (!form) throw new Error("no form");
        var box = document.createElement("div");
        box.id = "talk-inline-reply";
        box.className = "talk-inline-reply";
        box.appendChild(document.importNode(form, true));
        place(link, box);
        var cancel = box.querySelector(".talk-cancel");
        if (cancel) {
          cancel.addEventListener("click", function (ev) {
            ev.preventDefault();
            close();
            link.focus();
          });
        }
        var text = box.querySelector("textarea");
        if (text) text.focus();
      })
      .catch(function () {
        window.location.href = link.href; // the form on its own page still works
      })
      .then(function () { link.removeAttribute("aria-busy"); });
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a.talk-reply") : null;
    if (!link || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    open(link);
  });
})();
