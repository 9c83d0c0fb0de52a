// Live updates and small conveniences for the console; the pages work
// without it (forms post, links navigate), they just do not refresh alone.
(function () {
  "use strict";

  // Elements with data-live-src reload their content from that URL when the
  // server says something changed (server-sent events). data-live-id limits
  // a block to one conversation. If the stream fails, poll instead.
  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-live-src]"));
  function reload(el) {
    fetch(el.getAttribute("data-live-src"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { el.innerHTML = html; el.setAttribute("data-live-updated", String(Date.now())); })
      .catch(function () {});
  }
  function changed(id) {
    blocks.forEach(function (el) {
      var only = el.getAttribute("data-live-id");
      if (id === "refresh" || !only || only === id) { reload(el); }
    });
  }
  if (blocks.length) {
    var polling = null;
    var startPolling = function () {
      if (!polling) { polling = setInterval(function () { changed("refresh"); }, 5000); }
    };
    if (window.EventSource) {
      var es = new EventSource("/console/inbox/events");
      es.onmessage = function (ev) { changed(String(ev.data)); };
      // The session ended: reloading shows the login form.
      es.addEventListener("logout", function () { es.close(); window.location.reload(); });
      es.onopen = function () { if (polling) { clearInterval(polling); polling = null; } changed("refresh"); };
      es.onerror = function () { if (es.readyState === EventSource.CLOSED) { startPolling(); } };
    } else {
      startPolling();
    }
  }

  // Canned responses: picking one puts its text in the reply box.
  document.querySelectorAll("select.canned").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var box = document.getElementById(sel.getAttribute("data-target"));
      if (box && sel.value) { box.value = box.value ? box.value + "\n" + sel.value : sel.value; box.focus(); }
      sel.value = "";
    });
  });
})();
