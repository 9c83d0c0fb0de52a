// Help desk chat for another site: include
//   <script src="https://helpdesk.example/help/chat.js" data-lang="it" async></script>
// It adds a button that opens the chat panel, served by the help desk in a
// frame (its own origin, its own storage); nothing else of the page is
// touched.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.__helpdeskChat) { return; }
  window.__helpdeskChat = true;
  var base = new URL(me.src).origin;
  var lang = me.dataset.lang || (document.documentElement.lang || "it").slice(0, 2);
  var title = me.dataset.title || (lang === "en" ? "Chat with the help desk" : "Chatta con l'help desk");

  var button = document.createElement("button");
  button.type = "button";
  button.id = "helpdesk-chat-button";
  button.textContent = title;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "helpdesk-chat-frame");
  var s = button.style;
  s.position = "fixed"; s.right = "1rem"; s.bottom = "1rem"; s.zIndex = "2147483000";
  s.padding = ".6rem 1rem"; s.border = "0"; s.borderRadius = "2rem"; s.background = "#0a58a8"; s.color = "#fff";
  s.font = "16px system-ui, sans-serif"; s.cursor = "pointer";

  var frame = null;
  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "helpdesk-chat-frame";
      frame.title = title;
      frame.src = base + "/help/chat/embed?lang=" + encodeURIComponent(lang);
      var f = frame.style;
      f.position = "fixed"; f.right = "1rem"; f.bottom = "4.5rem"; f.zIndex = "2147483000";
      f.width = "min(24rem, calc(100vw - 2rem))"; f.height = "min(34rem, calc(100vh - 6rem))";
      f.border = "1px solid #d0d7de"; f.borderRadius = "8px"; f.background = "#fff";
      f.boxShadow = "0 4px 24px rgba(0,0,0,.2)";
      document.body.appendChild(frame);
      button.setAttribute("aria-expanded", "true");
      return;
    }
    var open = frame.style.display === "none";
    frame.style.display = open ? "" : "none";
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.body.appendChild(button);
})();
