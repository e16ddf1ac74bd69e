/* grassroots search box — a classic script, no dependencies. The search
 * client (search.js, ~30 KB) is NOT loaded with the page: this script loads
 * it on demand, the first time the reader focuses or types into the search
 * box or presses "/", by adding a <script> element (works over http:// and
 * file://). It finds the client's URL on its own script element:
 *   <script src="…/assets/search-ui.HASH.js" defer
 *           data-search-client="…/assets/search.HASH.js"></script>
 * (the value is resolved like any URL in the page). Without the attribute it
 * uses a GrassrootsSearch already loaded by the page, if any. It also needs:
 *   <meta name="grassroots-search" content="search/zh/entry.js">
 *   <html data-root="../../" [data-offline="true"]>
 *   <input type="search" id="search-input" data-no-results="…" data-results="{n} …"
 *          [data-more="…"] [data-error="…"]>
 *   <div id="search-results" aria-live="polite"></div>
 * It shows the top FIRST results first (that is all the result data it
 * reads), and the next ones behind a "more" button. On a big site's index
 * the first screen comes from small metadata files (titles, paths) and the
 * excerpts and heading links follow as soon as their files are read.
 * Without JavaScript the form is plain HTML and the site still navigates. */
(function () {
  "use strict";
  var FIRST = 5, HITS = 50;
  var me = document.currentScript;
  var clientUrl = me ? me.getAttribute("data-search-client") : null;
  var clientPromise = null;

  /* Resolves to GrassrootsSearch, loading search.js once. */
  function client() {
    if (window.GrassrootsSearch) return Promise.resolve(window.GrassrootsSearch);
    if (!clientPromise) {
      clientPromise = new Promise(function (resolve, reject) {
        if (!clientUrl) { reject(new Error("no search client: add data-search-client to the search-ui script")); return; }
        var s = document.createElement("script");
        s.src = clientUrl;
        s.async = true;
        s.onload = function () {
          if (window.GrassrootsSearch) resolve(window.GrassrootsSearch);
          else reject(new Error("search client did not load"));
        };
        s.onerror = function () { reject(new Error("search client could not be loaded: " + clientUrl)); };
        document.head.appendChild(s);
      });
      clientPromise.catch(function () { clientPromise = null; });
    }
    return clientPromise;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function init() {
    var input = document.getElementById("search-input");
    var box = document.getElementById("search-results");
    if (!input || !box || !document.querySelector('meta[name="grassroots-search"]')) return;
    var html = document.documentElement;
    var root = html.getAttribute("data-root") || "";
    if (root === "./") root = "";
    var offline = html.getAttribute("data-offline") === "true";
    var t = {
      none: input.getAttribute("data-no-results") || "No results",
      count: input.getAttribute("data-results") || "{n} results",
      more: input.getAttribute("data-more") || "More results",
      error: input.getAttribute("data-error") || "Search is unavailable"
    };
    var esc = escapeHtml, timer = 0, seq = 0, active = -1, index = null, shown = 0, total = 0, exact = true;
    var form = input.form;
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); open(active < 0 ? 0 : active); });

    function getIndex() {
      return client().then(function (GS) {
        if (!index) index = GS.fromPage(document);
        if (!index) throw new Error("no search index on this page");
        return index;
      });
    }
    function links() { return box.querySelectorAll("a.search-result"); }
    function select(i) {
      var ls = links();
      if (!ls.length) return;
      active = (i + ls.length) % ls.length;
      ls.forEach(function (a, k) { a.setAttribute("aria-selected", k === active ? "true" : "false"); });
      ls[active].scrollIntoView({ block: "nearest" });
    }
    function open(i) { var ls = links(); if (ls[i]) window.location.href = ls[i].href; }

    function items(results) {
      var out = "";
      results.forEach(function (r) {
        var path = (r.section || []).concat(r.heading && r.heading !== r.title ? [r.heading] : []);
        out += '<li><a class="search-result" aria-selected="false" href="' + esc(root + r.url) + '">' +
          '<span class="search-title">' + esc(r.title) + "</span>" +
          (path.length ? '<span class="search-path">' + path.map(esc).join(" › ") + "</span>" : "") +
          '<span class="search-excerpt">' + r.excerpt + "</span></a></li>"; // excerpt is escaped by search.js
      });
      return out;
    }
    function moreButton() {
      return shown < total ? '<button type="button" class="search-more">' + esc(t.more) + "</button>" : "";
    }

    function render(results, keepActive) {
      var was = active;
      active = -1;
      shown = results.length;
      if (!results.length) { box.innerHTML = '<p class="search-none">' + esc(t.none) + "</p>"; return; }
      var n = total >= HITS ? HITS + "+" : String(total) + (exact ? "" : "+");
      box.innerHTML = '<p class="search-count">' + esc(t.count.replace("{n}", n)) + '</p><ol class="search-list">' +
        items(results) + "</ol>" + moreButton();
      if (keepActive && was >= 0) select(was);
    }

    function fail(my, e) {
      if (my === seq) box.innerHTML = '<p class="search-error">' + esc(t.error) + "</p>";
      if (window.console) console.error(e);
    }

    function run() {
      var q = input.value, my = ++seq;
      if (!q.trim()) { box.innerHTML = ""; box.removeAttribute("data-query"); active = -1; return; }
      getIndex().then(function (ix) {
        // The first screen (titles and paths first on a big site), then
        // the same results with excerpts and heading links.
        return ix.preview(q, { limit: FIRST, offline: offline }).then(function (rs) {
          if (my !== seq) return;
          // Which query the results shown belong to (while typing, an
          // earlier prefix's results stay until the next ones arrive).
          box.setAttribute("data-query", q);
          total = rs.total || rs.length;
          exact = rs.exact !== false;
          render(rs);
          if (!rs.length || !rs[0].preview) return;
          return ix.results(q, { limit: FIRST, offline: offline }).then(function (full) {
            if (my === seq && shown === full.length) render(full, true);
          });
        });
      }).then(null, function (e) { fail(my, e); });
    }

    function more() {
      var q = input.value, my = seq;
      getIndex().then(function (ix) {
        return ix.more(q, shown, { limit: FIRST, offline: offline });
      }).then(function (rs) {
        if (my !== seq) return;
        var list = box.querySelector("ol.search-list"), btn = box.querySelector("button.search-more");
        if (btn) btn.remove();
        if (!list || !rs.length) return;
        list.insertAdjacentHTML("beforeend", items(rs));
        shown += rs.length;
        box.insertAdjacentHTML("beforeend", moreButton());
      }, function (e) { fail(my, e); });
    }
    box.addEventListener("click", function (e) {
      if (e.target && e.target.closest && e.target.closest("button.search-more")) { e.preventDefault(); more(); }
    });

    // Load the client as soon as the reader shows interest in searching.
    function warm() { getIndex().then(function (ix) { return ix.ready(); }).catch(function () {}); }
    input.addEventListener("focus", warm, { once: true });

    // Chinese is typed through an input method: while it composes, the box
    // holds pinyin ("diao'cha") that is not the query. Search only what the
    // reader commits: nothing between compositionstart and compositionend,
    // then one search (engines differ in whether an input event follows
    // compositionend; the shared timer makes both paths one search).
    var composing = false;
    function later() { clearTimeout(timer); timer = setTimeout(run, 120); }
    input.addEventListener("compositionstart", function () { composing = true; clearTimeout(timer); });
    input.addEventListener("compositionend", function () { composing = false; later(); });
    input.addEventListener("input", function (e) {
      if (composing || e.isComposing) return;
      later();
    });

    // The results panel closes when the reader taps or clicks anywhere
    // outside the search form, or focus leaves it (the phone drawer takes
    // focus when it opens, so the drawer is never under the results); it
    // shows again on the box's next focus or input.
    var area = form || input.parentNode;
    function show() { box.hidden = false; }
    function hideOutside(e) { if (!area.contains(e.target) && !box.contains(e.target)) box.hidden = true; }
    input.addEventListener("focus", show);
    input.addEventListener("input", show);
    document.addEventListener("pointerdown", hideOutside);
    document.addEventListener("focusin", hideOutside);

    input.addEventListener("keydown", function (e) {
      if (e.isComposing || e.keyCode === 229) return; // the input method's own keys (Enter commits)
      if (e.key === "ArrowDown") { e.preventDefault(); select(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(active - 1); }
      else if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); if (links().length) open(active < 0 ? 0 : active); else run(); }
      else if (e.key === "Escape") { input.value = ""; box.innerHTML = ""; active = -1; }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var el = document.activeElement, tag = el && el.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (el && el.isContentEditable)) return;
      e.preventDefault();
      input.focus();
      warm();
    });
    // Text typed (or restored by the browser) before this script ran.
    if (input.value.trim()) run();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
