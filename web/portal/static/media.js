// A tutorial's video from another site that does not load — the site is
// down, the address changed, a proxy blocks it — would stay a black box:
// it gives way to a message saying so, the caption's link stays.
"use strict";
for (const v of document.querySelectorAll("video[data-remote]")) {
  const fail = () => {
    const note = v.parentElement.querySelector(".media-unavailable");
    if (!note || !v.isConnected) return;
    note.hidden = false;
    v.remove();
  };
  v.addEventListener("error", fail);
  if (v.error || v.networkState === HTMLMediaElement.NETWORK_NO_SOURCE) fail();
}
