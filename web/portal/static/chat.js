// The web chat panel: the visitor's conversation key lives in
// localStorage; messages are posted as JSON and replies (the bot's, then
// an agent's) arrive by long polling. No framework, no build step.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) { return; }
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-text");
  var stateLine = document.getElementById("chat-state");
  var storeKey = "helpdesk-chat-key";
  var key = null;
  var after = 0;
  var seq = 0;
  var label = { me: root.dataset.me, bot: root.dataset.bot, agent: root.dataset.agent };
  // The visitor's messages are shown as they are sent, then come back
  // from the server with the rest of the conversation (the same poll that
  // brings the history after a reload). Each carries the id the panel gave
  // it: one already shown is not shown again.
  var shown = {};

  try { key = window.localStorage.getItem(storeKey); } catch (e) { key = null; }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function ensureKey() {
    if (key) { return Promise.resolve(key); }
    return fetch("/help/chat/start", { method: "POST", credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("start " + r.status); } return r.json(); })
      .then(function (d) {
        key = d.key;
        try { window.localStorage.setItem(storeKey, key); } catch (e) { /* private mode: the key lasts the page */ }
        return key;
      });
  }

  function bubble(from, html) {
    var li = document.createElement("li");
    li.className = "msg from-" + from;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = label[from] || from;
    var text = document.createElement("div");
    text.className = "text";
    text.innerHTML = html; // escaped and rendered by the server (chatHTML)
    li.appendChild(who);
    li.appendChild(text);
    log.appendChild(li);
    return li;
  }

  // toEnd shows the end of the log, and el (a reply's buttons) in the
  // window too: the log scrolls inside the page, and on a short screen
  // the page itself must scroll for the buttons to be seen.
  function toEnd(el) {
    log.scrollTop = log.scrollHeight;
    if (el && el.scrollIntoView) { el.scrollIntoView({ block: "nearest" }); }
  }

  function escapeText(s) {
    var d = document.createElement("div");
    d.textContent = s;
    return d.innerHTML.replace(/\n/g, "<br>");
  }

  function show(m) {
    after = Math.max(after, m.id);
    if (m.from === "cursor") { return; }
    if (m.from === "me" && m.client && shown[m.client]) { return; }
    var li = bubble(m.from, m.html);
    if (m.media && m.media.length) {
      var media = document.createElement("div");
      media.className = "media";
      m.media.forEach(function (x) {
        var a = document.createElement("a");
        a.href = x.url; a.target = "_blank"; a.rel = "noopener noreferrer";
        a.textContent = x.title + (x.duration ? " (" + x.duration + ")" : "");
        media.appendChild(a);
      });
      li.appendChild(media);
    }
    if (m.links && m.links.length) {
      var links = document.createElement("div");
      links.className = "links";
      m.links.forEach(function (x) {
        var a = document.createElement("a");
        a.href = x.url; a.target = "_blank"; a.rel = "noopener noreferrer";
        a.textContent = x.label;
        links.appendChild(a);
      });
      li.appendChild(links);
    }
    if (m.buttons && m.buttons.length) {
      var box = document.createElement("div");
      box.className = "buttons";
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", root.dataset.choices);
      m.buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.label;
        btn.dataset.action = b.action;
        btn.addEventListener("click", function () {
          Array.prototype.forEach.call(box.querySelectorAll("button"), function (x) { x.disabled = true; });
          // The pressed button is now disabled: the keyboard (and a screen
          // reader's cursor) would fall back to the top of the page.
          input.focus({ preventScroll: true });
          send({ action: b.action }, b.label);
        });
        box.appendChild(btn);
      });
      li.appendChild(box);
    }
    toEnd(li.lastChild);
  }

  function showState(s) {
    var t = "";
    if (s === "queued") { t = root.dataset.stateQueued; }
    if (s === "agent") { t = root.dataset.stateAgent; }
    if (stateLine.textContent !== t) { stateLine.textContent = t; }
  }

  function send(msg, text) {
    seq += 1;
    msg.id = Date.now().toString(36) + "-" + seq + "-" + Math.random().toString(36).slice(2, 8);
    shown[msg.id] = true;
    toEnd(bubble("me", escapeText(text)));
    return ensureKey().then(function (k) {
      return fetch("/help/chat/send", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Chat-Key": k },
        body: JSON.stringify(msg)
      });
    }).then(function (r) {
      if (!r.ok) { return r.json().then(function (d) { toEnd(bubble("bot", escapeText(d.error || root.dataset.error))); }); }
      if (!polling) { poll(); }
    }).catch(function () { toEnd(bubble("bot", escapeText(root.dataset.error))); });
  }

  var polling = false;
  function poll() {
    if (!key || polling) { return; }
    polling = true;
    (function loop() {
      fetch("/help/chat/poll?after=" + after, { headers: { "X-Chat-Key": key }, credentials: "same-origin" })
        .then(function (r) {
          if (r.status === 403) { key = null; try { localStorage.removeItem(storeKey); } catch (e) {} throw new Error("key"); }
          if (!r.ok) { throw new Error("poll " + r.status); }
          return r.json();
        })
        .then(function (d) { d.messages.forEach(show); showState(d.state); loop(); })
        .catch(function () { if (!key) { polling = false; return; } sleep(3000).then(loop); });
    })();
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send({ text: text }, text);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });
  poll();
})();
