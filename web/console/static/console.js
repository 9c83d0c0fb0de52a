// Live updates and small conveniences for the console; the pages work
// without it (forms post, links navigate), they just do not refresh alone.
(function () {
  "use strict";

  // Elements with data-live-src reload their content from that URL when the
  // server says something changed (server-sent events). data-live-id limits
  // a block to one conversation. If the stream fails, poll instead.
  //
  // For screen readers the blocks are not live regions themselves (each
  // refresh would read the whole list or history again): what is new —
  // an item (data-live-items) not there before — is said once, in the
  // page's one polite status region (#live-status), prefixed with the
  // block's data-live-announce. An unchanged answer leaves the block
  // alone, and the keyboard focus inside a block stays on the same link
  // or control after a refresh.
  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-live-src]"));
  var status = document.getElementById("live-status");
  function itemKey(item) { return item.id || item.getAttribute("data-conv") || ""; }
  function itemSays(item) {
    var say = item.getAttribute("data-live-say");
    if (!say) {
      var who = item.querySelector(".author"), body = item.querySelector(".body");
      say = (who ? who.textContent + ": " : "") + (body ? body.textContent : item.textContent);
    }
    say = say.replace(/\s+/g, " ").trim();
    return say.length > 300 ? say.slice(0, 299) + "…" : say;
  }
  function reload(el) {
    fetch(el.getAttribute("data-live-src"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (html === el.getAttribute("data-live-html")) { return; }
        var sel = el.getAttribute("data-live-items"), seen = {};
        if (sel) { el.querySelectorAll(sel).forEach(function (i) { seen[itemKey(i)] = true; }); }
        var active = document.activeElement, focusID = "", focusHref = "";
        if (active && active !== el && el.contains(active)) {
          focusID = active.id;
          focusHref = active.getAttribute("href") || "";
        }
        el.innerHTML = html;
        el.setAttribute("data-live-html", html);
        el.setAttribute("data-live-updated", String(Date.now()));
        var again = focusID ? document.getElementById(focusID) :
          focusHref ? el.querySelector('a[href="' + focusHref.replace(/["\\]/g, "\\$&") + '"]') : null;
        if (again) { again.focus(); }
        if (!sel || !status) { return; }
        var said = [];
        el.querySelectorAll(sel).forEach(function (i) {
          var k = itemKey(i);
          if (k && !seen[k]) { said.push(itemSays(i)); }
        });
        if (said.length) { status.textContent = el.getAttribute("data-live-announce") + ": " + said.slice(-3).join(" · "); }
      })
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

  // The conversation's messages pane and composer fill the window below
  // where they start (the CSS guesses that height; here it is measured,
  // again when the window changes size).
  var convMain = document.querySelector(".conv-main");
  if (convMain) {
    var fit = function () {
      var top = convMain.getBoundingClientRect().top + window.scrollY;
      document.documentElement.style.setProperty("--conv-top", Math.ceil(top + 16) + "px");
    };
    fit();
    window.addEventListener("resize", fit);
  }

  // Ctrl+Enter (Cmd+Enter on a Mac) sends the reply being written, as the
  // hint under the box says.
  var replyBox = document.getElementById("reply-text");
  if (replyBox && replyBox.form) {
    replyBox.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        if (replyBox.form.reportValidity()) { replyBox.form.requestSubmit(); }
      }
    });
  }

  // Canned responses: picking one puts its text in the reply box.
  document.querySelectorAll("select.canned").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var box = document.getElementById(sel.getAttribute("data-target"));
      if (box && sel.value) { box.value = box.value ? box.value + "\n" + sel.value : sel.value; box.focus(); }
      sel.value = "";
    });
  });

  // Language model: the summary and the suggested reply arrive in place
  // (the server answers JSON); without script the forms post as usual.
  // The server bounds the wait with the model's timeout.
  function show(id, text) {
    var el = document.getElementById(id);
    if (el) { el.textContent = text || ""; el.hidden = !text; }
  }
  document.querySelectorAll("form[data-assist]").forEach(function (form) {
    var kind = form.getAttribute("data-assist");
    var problemID = kind === "summary" ? "assist-summary-problem" : "assist-suggest-problem";
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var btn = form.querySelector("button");
      btn.disabled = true;
      show(problemID, "");
      var wait = document.createElement("span");
      wait.className = "muted assist-wait";
      wait.setAttribute("role", "status");
      wait.textContent = " " + form.getAttribute("data-wait");
      form.appendChild(wait);
      fetch(form.action, {
        method: "POST", credentials: "same-origin", body: new URLSearchParams(new FormData(form)),
        headers: { "Accept": "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (res) {
          if (!res.ok) { show(problemID, res.problem); return; }
          if (kind === "summary") {
            show("assist-summary-text", res.text);
            show("assist-summary-meta", res.meta);
            btn.textContent = form.getAttribute("data-again");
            return;
          }
          var box = document.getElementById(form.getAttribute("data-target"));
          if (box) { box.value = res.text; box.focus(); }
          var list = document.getElementById("assist-cited");
          if (list) {
            list.textContent = "";
            (res.cited || []).forEach(function (c) {
              var li = document.createElement("li"), a = document.createElement("a"), small = document.createElement("small");
              a.href = c.url; a.target = "_blank"; a.rel = "noopener"; a.textContent = c.title;
              small.textContent = " (" + c.id + "@" + c.revision + ")";
              li.appendChild(a); li.appendChild(small); list.appendChild(li);
            });
          }
          var panel = document.getElementById("assist-suggestion");
          if (panel) { panel.hidden = false; }
        })
        .catch(function () { show(problemID, form.getAttribute("data-failed")); })
        .then(function () { btn.disabled = false; wait.remove(); });
    });
  });
})();
