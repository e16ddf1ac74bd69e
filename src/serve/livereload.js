// grassroots serve: live reload. Injected into HTML responses by the
// development server only (never written by `grassroots build`).
// `__GRASSROOTS_BUILD__` is replaced with the build the page came from.
(function () {
  "use strict";
  var pageBuild = __GRASSROOTS_BUILD__;
  var scrollKey = "grassroots-scroll:" + location.pathname;
  var overlayId = "grassroots-error-overlay";
  var rebuildingId = "grassroots-rebuilding";

  // Restore the scroll position saved before a live reload.
  function restoreScroll() {
    var y;
    try { y = sessionStorage.getItem(scrollKey); sessionStorage.removeItem(scrollKey); } catch (e) { return; }
    if (y !== null) { window.scrollTo(0, parseInt(y, 10) || 0); }
  }
  if (document.readyState === "complete") { restoreScroll(); } else { window.addEventListener("load", restoreScroll); }

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY || window.pageYOffset || 0)); } catch (e) {}
    location.reload();
  }

  function hideError() {
    var old = document.getElementById(overlayId);
    if (old) { old.parentNode.removeChild(old); }
  }

  function showError(message) {
    hideError();
    var panel = document.createElement("div");
    panel.id = overlayId;
    panel.setAttribute("role", "alert");
    panel.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:1em 1.25em;background:#2b0f10;color:#ffe8e8;border-top:4px solid #e5484d;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 -4px 16px rgba(0,0,0,.4)";
    var title = document.createElement("strong");
    title.textContent = "grassroots: the build failed; showing the last good build";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "close");
    close.style.cssText = "float:right;background:none;border:0;color:inherit;font-size:20px;cursor:pointer";
    close.onclick = hideError;
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:.5em 0 0;font:inherit";
    pre.textContent = message; // textContent: the message is never parsed as HTML
    panel.appendChild(close);
    panel.appendChild(title);
    panel.appendChild(pre);
    (document.body || document.documentElement).appendChild(panel);
  }

  function hideRebuilding() {
    var old = document.getElementById(rebuildingId);
    if (old) { old.parentNode.removeChild(old); }
  }

  // A whole-site build is running: what the page shows may be stale, so
  // cover it until the build's reload (or error) arrives.
  function showRebuilding(reason) {
    hideRebuilding();
    var cover = document.createElement("div");
    cover.id = rebuildingId;
    cover.setAttribute("role", "status");
    cover.setAttribute("aria-live", "polite");
    cover.style.cssText = "position:fixed;inset:0;z-index:2147483646;background:rgba(250,250,250,.82);" +
      "display:flex;align-items:flex-end;justify-content:center;padding:1.5em";
    var label = document.createElement("div");
    label.style.cssText = "max-width:40em;padding:.75em 1.25em;background:#10233f;color:#e8f0ff;border-radius:6px;" +
      "border-left:4px solid #3e8ed0;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;" +
      "box-shadow:0 4px 16px rgba(0,0,0,.3);overflow-wrap:anywhere";
    label.textContent = "grassroots: rebuilding… (" + reason + ")"; // never parsed as HTML
    cover.appendChild(label);
    (document.body || document.documentElement).appendChild(cover);
  }

  // Swap the page's stylesheets for the new build's, without a reload: the
  // theme's CSS has fingerprinted names, so take the hrefs from the new HTML.
  function swapCss() {
    hideError();
    fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll('link[rel~="stylesheet"]');
      var current = document.querySelectorAll('link[rel~="stylesheet"]');
      if (fresh.length !== current.length) { reload(); return; }
      var stamp = "grassroots=" + Date.now();
      for (var i = 0; i < current.length; i++) {
        var href = fresh[i].getAttribute("href") || "";
        if (href === current[i].getAttribute("href")) {
          href = href.replace(/[?&]grassroots=\d+/, "");
          href += (href.indexOf("?") < 0 ? "?" : "&") + stamp;
        }
        current[i].setAttribute("href", href);
      }
    }).catch(reload);
  }

  if (!window.EventSource) { return; }
  var source = new EventSource("/__grassroots/events");
  source.addEventListener("hello", function (e) {
    var state = JSON.parse(e.data);
    if (state.error) { showError(state.error); }
    else if (state.build !== pageBuild) { reload(); return; }
    else { hideError(); }
    if (state.rebuilding) { showRebuilding(state.rebuilding); } else { hideRebuilding(); }
  });
  source.addEventListener("rebuilding", function (e) {
    showRebuilding(JSON.parse(e.data).reason);
  });
  source.addEventListener("reload", function () { reload(); });
  source.addEventListener("css", function (e) {
    pageBuild = JSON.parse(e.data).build;
    hideRebuilding();
    swapCss();
  });
  source.addEventListener("error", function (e) {
    // Also fired by EventSource itself when the connection drops (no data).
    if (e.data) { hideRebuilding(); showError(JSON.parse(e.data).message); }
  });
})();
