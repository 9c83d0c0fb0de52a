// The contact page: requester type-ahead, the severity model's live
// suggestion and keyboard shortcuts. The page works without it (the
// server finds requesters by e-mail or telephone and applies the model
// when urgency and impact are left empty).
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  if (!form) { return; }
  var csrf = form.querySelector("input[name=csrf]").value;
  var lookup = document.getElementById("contact-lookup");
  var list = document.getElementById("lookup-results");
  var none = document.getElementById("lookup-none");
  var rid = document.getElementById("requester-id");
  var rlabel = document.getElementById("requester-label");
  var chosen = document.getElementById("chosen");
  var chosenLabel = document.getElementById("chosen-label");
  var name = document.getElementById("contact-name");
  var email = document.getElementById("contact-email");
  var phone = document.getElementById("contact-phone");
  var lang = document.getElementById("contact-lang");
  var desc = document.getElementById("contact-desc");
  var urg = document.getElementById("contact-urgency");
  var imp = document.getElementById("contact-impact");
  var prio = document.getElementById("contact-priority");
  var hint = document.getElementById("severity-hint");
  var matrix = JSON.parse(form.getAttribute("data-matrix") || "{}");
  var matches = [], active = -1, lookupTimer = null, lookupSeq = 0;

  function showPriority() {
    var u = urg.value, i = imp.value;
    prio.textContent = (u && i && matrix[u] && matrix[u][i]) ? matrix[u][i] : "–";
  }
  function label(m) {
    var parts = [m.name || "?"];
    if (m.email) { parts.push("<" + m.email + ">"); }
    if (m.phone) { parts.push(m.phone); }
    if (m.open_tickets) { parts.push("· " + form.getAttribute("data-open-n").replace("999", String(m.open_tickets))); }
    return parts.join(" ");
  }
  function render() {
    list.innerHTML = "";
    matches.forEach(function (m, i) {
      var li = document.createElement("li");
      li.id = "lookup-" + m.id;
      li.setAttribute("role", "option");
      li.setAttribute("data-id", String(m.id));
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.textContent = label(m);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
      list.appendChild(li);
    });
    list.hidden = matches.length === 0;
    lookup.setAttribute("aria-expanded", matches.length ? "true" : "false");
    if (active >= 0 && matches[active]) { lookup.setAttribute("aria-activedescendant", "lookup-" + matches[active].id); }
    else { lookup.removeAttribute("aria-activedescendant"); }
  }
  function search() {
    var q = lookup.value.trim();
    var seq = ++lookupSeq;
    if (q.length < 2) { matches = []; active = -1; none.hidden = true; render(); return; }
    fetch(form.getAttribute("data-lookup") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        if (seq !== lookupSeq) { return; }
        matches = data.requesters || [];
        active = matches.length ? 0 : -1;
        none.hidden = matches.length !== 0;
        render();
      }).catch(function () {});
  }
  function pick(i) {
    var m = matches[i];
    if (!m) { return; }
    rid.value = String(m.id);
    rlabel.value = label(m);
    chosenLabel.textContent = label(m);
    chosen.hidden = false;
    name.value = m.name || "";
    email.value = m.email || "";
    phone.value = "";
    if (m.lang) { lang.value = m.lang; }
    matches = []; active = -1; none.hidden = true; render();
    desc.focus();
  }
  // Nothing picked: what was typed goes to the field it looks like, and
  // the agent goes on with the new requester's name.
  function carryOver() {
    var q = lookup.value.trim();
    if (!q) { desc.focus(); return; }
    if (q.indexOf("@") > 0) { email.value = q; }
    else if (/^\+?[0-9 ().\/-]{6,}$/.test(q)) { phone.value = q; }
    else { name.value = q; }
    (name.value ? desc : name).focus();
  }
  lookup.addEventListener("input", function () {
    rid.value = ""; chosen.hidden = true;
    clearTimeout(lookupTimer);
    lookupTimer = setTimeout(search, 200);
  });
  lookup.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" && matches.length) { ev.preventDefault(); active = (active + 1) % matches.length; render(); }
    else if (ev.key === "ArrowUp" && matches.length) { ev.preventDefault(); active = (active - 1 + matches.length) % matches.length; render(); }
    else if (ev.key === "Escape") { matches = []; active = -1; render(); }
    else if (ev.key === "Enter") {
      ev.preventDefault();
      if (active >= 0) { pick(active); } else { carryOver(); }
    }
  });
  document.getElementById("chosen-clear").addEventListener("click", function () {
    rid.value = ""; rlabel.value = ""; chosen.hidden = true; name.value = ""; email.value = "";
    lookup.value = ""; lookup.focus();
  });

  // The severity model's suggestion, while the agent types. A level the
  // agent set by hand is not overwritten.
  var touched = { urgency: urg.value !== "", impact: imp.value !== "" };
  urg.addEventListener("change", function () { touched.urgency = true; showPriority(); });
  imp.addEventListener("change", function () { touched.impact = true; showPriority(); });
  var sevTimer = null, sevSeq = 0;
  function suggest() {
    var text = desc.value.trim();
    if (text.length < 10) { return; }
    var seq = ++sevSeq;
    var body = new URLSearchParams({ csrf: csrf, description: text, lang: lang.value });
    fetch(form.getAttribute("data-severity"), { method: "POST", credentials: "same-origin", body: body })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        if (seq !== sevSeq) { return; }
        hint.textContent = s.label;
        hint.setAttribute("data-urgency", s.urgency);
        hint.setAttribute("data-impact", s.impact);
        if (!touched.urgency) { urg.value = s.urgency; }
        if (!touched.impact) { imp.value = s.impact; }
        showPriority();
      }).catch(function () {});
  }
  desc.addEventListener("input", function () { clearTimeout(sevTimer); sevTimer = setTimeout(suggest, 300); });
  // Ctrl+Enter (or Cmd+Enter) in the description opens the ticket.
  desc.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); }
  });
  showPriority();
  // What a fast typist entered before this script ran is looked up too.
  if (lookup.value.trim().length >= 2 && !rid.value) { search(); }
  if (desc.value.trim()) { suggest(); }
})();
