/* grassroots search box — a classic script, no dependencies. Needs
 * search.js (GrassrootsSearch) loaded first and, in the page:
 *   <meta name="grassroots-search" content="search/zh/entry.HASH.js">
 *   <html data-root="../../" [data-offline="true"]>
 *   <input type="search" id="search-input" data-no-results="…" data-results="{n} …">
 *   <div id="search-results" aria-live="polite"></div>
 * Without JavaScript the form is plain HTML and the site still navigates. */
(function () {
  "use strict";
  function init() {
    var input = document.getElementById("search-input");
    var box = document.getElementById("search-results");
    var GS = window.GrassrootsSearch;
    if (!input || !box || !GS) return;
    var index = GS.fromPage(document);
    if (!index) return;
    var html = document.documentElement;
    var root = html.getAttribute("data-root") || "";
    if (root === "./") root = "";
    var offline = html.getAttribute("data-offline") === "true";
    var t = {
      none: input.getAttribute("data-no-results") || "No results",
      count: input.getAttribute("data-results") || "{n} results",
      error: input.getAttribute("data-error") || "Search is unavailable"
    };
    var esc = GS.escapeHtml, timer = 0, seq = 0, active = -1;
    var form = input.form;
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); open(active < 0 ? 0 : active); });

    function links() { return box.querySelectorAll("a.search-result"); }
    function select(i) {
      var ls = links();
      if (!ls.length) return;
      active = (i + ls.length) % ls.length;
      ls.forEach(function (a, k) { a.setAttribute("aria-selected", k === active ? "true" : "false"); });
      ls[active].scrollIntoView({ block: "nearest" });
    }
    function open(i) { var ls = links(); if (ls[i]) window.location.href = ls[i].href; }

    function render(results) {
      active = -1;
      if (!results.length) { box.innerHTML = '<p class="search-none">' + esc(t.none) + "</p>"; return; }
      var out = '<p class="search-count">' + esc(t.count.replace("{n}", results.length)) + '</p><ol class="search-list">';
      results.forEach(function (r) {
        var path = (r.section || []).concat(r.heading && r.heading !== r.title ? [r.heading] : []);
        out += '<li><a class="search-result" aria-selected="false" href="' + esc(root + r.url) + '">' +
          '<span class="search-title">' + esc(r.title) + "</span>" +
          (path.length ? '<span class="search-path">' + path.map(esc).join(" › ") + "</span>" : "") +
          '<span class="search-excerpt">' + r.excerpt + "</span></a></li>"; // excerpt is escaped by search.js
      });
      box.innerHTML = out + "</ol>";
    }

    function run() {
      var q = input.value, my = ++seq;
      if (!q.trim()) { box.innerHTML = ""; active = -1; return; }
      index.results(q, { limit: 10, offline: offline }).then(function (rs) {
        if (my === seq) render(rs);
      }, function (e) {
        if (my === seq) box.innerHTML = '<p class="search-error">' + esc(t.error) + "</p>";
        if (window.console) console.error(e);
      });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener("keydown", function (e) {
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
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
