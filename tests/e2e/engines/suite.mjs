// What a reader does on a phone, in each engine (Chromium, WebKit, Firefox),
// at the common phone widths: the header, the drawer, jumps to a heading
// (table of contents, #anchor links, search results), search in both
// languages, the results panel closing, the language switch, reading order,
// the English font. engines-<engine>.test.mjs runs it for one engine.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { LANGS, build, contentTitle, ensureArtifacts, startServer } from "../helpers.mjs";
import { openEngine } from "./engines.mjs";

export const WIDTHS = [320, 360, 375, 390, 414];
const HEIGHT = 740;
const UNIT = "units/research/";
const ORDER = ["", "units/", "units/propaganda/", "units/research/", "units/letters-and-visits/", "units/on-site-office/", "about/"];
const FILE = { "": "_index", "units/": "units/_index", "units/propaganda/": "units/propaganda", "units/research/": "units/research",
  "units/letters-and-visits/": "units/letters-and-visits", "units/on-site-office/": "units/on-site-office", "about/": "about" };
const title = (lang, p) => contentTitle(FILE[p] + lang.suffix);
const QUERY = { zh: "调查研究", en: "investigating" };

// ---------------------------------------------------- in-page measurements
// (serialised into the page: no closures)

/** The site header's box, the title's and the drawer button's. */
function headerBoxes() {
  const box = (sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return { top: r.top, bottom: r.bottom, width: r.width, height: r.height }; };
  const t = document.querySelector(".site-title");
  return { header: box(".site-header"), title: box(".site-title"), titleLines: Math.round(t.getBoundingClientRect().height / parseFloat(getComputedStyle(t).lineHeight)), toggle: box(".menu-toggle") };
}

/** Where the element with this id shows once scrolling has settled (the
 * same scroll position on two polls in a row): null until then. "seen" is
 * true when the heading's first line is below the header, inside the
 * viewport, and it is what the reader's eye hits there (not covered). */
function settledJump(id) {
  const el = document.getElementById(id);
  if (!el || document.readyState !== "complete") return null;
  const y = window.scrollY, prev = window.__e2eScroll;
  window.__e2eScroll = y;
  if (prev !== y) return null;
  const header = document.querySelector(".site-header").getBoundingClientRect();
  const r = el.getBoundingClientRect();
  const firstLine = Math.min(r.bottom, r.top + parseFloat(getComputedStyle(el).lineHeight));
  const probe = document.elementFromPoint(r.left + 4, (r.top + firstLine) / 2);
  const seen = r.top >= header.bottom - 0.5 && firstLine <= innerHeight && !!probe && (probe === el || el.contains(probe));
  return { seen, top: Math.round(r.top), headerBottom: Math.round(header.bottom), scrollY: Math.round(y) };
}

/** True when the result list shows results for `q` (the box says which query they belong to). */
function resultsFor(q) {
  const box = document.getElementById("search-results");
  return box.getAttribute("data-query") === q && !!box.querySelector("a.search-result") && box.getClientRects().length > 0;
}

/** Is the results panel on screen? */
function panelShown() {
  const box = document.getElementById("search-results");
  return box.getClientRects().length > 0 && box.getBoundingClientRect().height > 0;
}

/** A point on the page where a tap hits plain text: outside the search
 * form, no link or button (a tap there must do nothing but close things). */
function quietPoint() {
  const form = document.querySelector("form.search");
  for (let y = innerHeight - 8; y > 0; y -= 12) {
    for (const x of [innerWidth / 2, 24, innerWidth - 24]) {
      const el = document.elementFromPoint(x, y);
      if (el && !form.contains(el) && !el.closest("a, button, input, label, summary") && el.closest("main")) return { x, y };
    }
  }
  return null;
}

/** Width of a curly quote set in the text's own font, in em. */
function quoteWidth(selector) {
  const p = document.querySelector(selector);
  const s = document.createElement("span");
  s.textContent = "\u201C";
  p.appendChild(s);
  const w = s.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize);
  s.remove();
  return Math.round(w * 100) / 100;
}

// ------------------------------------------------------------------ suite

export function defineSuite(key) {
  let e, s, srv;
  const report = [];

  before(async () => {
    srv = await startServer(build("public"), "/");
    e = await openEngine(key);
    s = e.session;
  });
  after(async () => {
    await e?.close();
    await srv?.close();
    if (report.length) {
      const file = path.join(ensureArtifacts(), `engines-${key}.json`);
      fs.writeFileSync(file, JSON.stringify({ engine: e?.name, version: e?.version, report }, null, 1));
    }
  });

  /** Opens a page of the portal and waits until it has loaded. */
  async function open(rel) {
    await s.navigate(srv.base + rel);
    await s.waitFor(() => document.readyState === "complete", [], { what: "page load" });
  }
  const h1 = () => s.exec(() => document.querySelector("main h1").textContent.trim());
  const at = () => s.exec(() => decodeURI(location.pathname + location.hash));

  /** Types one key at a time, as a person does, and waits for its results. */
  async function search(q) {
    await s.click("#search-input");
    await s.type("#search-input", q);
    await s.waitFor(resultsFor, [q], { what: `results for ${q}` });
  }

  async function jump(id) {
    await s.exec(() => { window.__e2eScroll = undefined; });
    return s.waitFor(settledJump, [id], { interval: 100, what: `scrolling to #${id} to settle` });
  }

  describe(`phones ${WIDTHS.join(", ")} px`, () => {
    test("the header keeps one height: a one-line title, a drawer button that keeps its width", async (t) => {
      const bad = [];
      for (const w of WIDTHS) {
        await e.viewport(w, HEIGHT);
        for (const lang of LANGS) {
          await open(lang.prefix + UNIT);
          const closed = await s.exec(headerBoxes);
          await s.click(".menu-toggle");
          await s.waitFor(() => document.querySelector(".menu-toggle").getAttribute("aria-expanded") === "true");
          const opened = await s.exec(headerBoxes);
          await s.click(".menu-toggle");
          report.push({ check: "header", width: w, lang: lang.code, height: closed.header.height, heightOpen: opened.header.height, titleLines: closed.titleLines });
          if (closed.titleLines !== 1) bad.push(`${w}px ${lang.code}: title on ${closed.titleLines} lines`);
          if (closed.header.height > 120) bad.push(`${w}px ${lang.code}: header ${closed.header.height}px high`);
          if (opened.header.height !== closed.header.height) bad.push(`${w}px ${lang.code}: header ${closed.header.height} → ${opened.header.height}px when the drawer opens`);
          if (opened.toggle.width !== closed.toggle.width) bad.push(`${w}px ${lang.code}: drawer button ${closed.toggle.width} → ${opened.toggle.width}px wide`);
        }
      }
      t.diagnostic(`header heights: ${[...new Set(report.filter((r) => r.check === "header").map((r) => r.height))].join(", ")} px`);
      assert.deepEqual(bad, []);
    });

    test("no page is wider than the phone", async () => {
      const bad = [];
      for (const w of [320, 414]) {
        await e.viewport(w, HEIGHT);
        for (const lang of LANGS) {
          for (const p of [...ORDER, "units/print/", "no-such-page/"]) {
            await open(lang.prefix + p);
            const m = await s.exec(() => [document.documentElement.scrollWidth, innerWidth]);
            if (m[0] > m[1]) bad.push(`${w}px ${lang.prefix + p}: ${m[0]}px wide`);
          }
        }
      }
      assert.deepEqual(bad, []);
    });

    test("jumps land below the header: #anchor links, the table of contents, search results", async (t) => {
      const bad = [];
      let n = 0;
      const check = (how, w, lang, id, r) => {
        n++;
        report.push({ check: "jump", how, width: w, lang: lang.code, id, ...r });
        if (!r.seen) bad.push(`${w}px ${lang.code} ${how} #${id}: heading top ${r.top}, header bottom ${r.headerBottom}`);
      };
      for (const w of WIDTHS) {
        await e.viewport(w, HEIGHT);
        for (const lang of LANGS) {
          await open(lang.prefix + UNIT);
          const toc = await s.exec(() => Array.from(document.querySelectorAll(".toc a")).map((a) => decodeURIComponent(a.hash.slice(1))));
          assert.ok(toc.length >= 3, "the unit page has a table of contents");
          // Opening a link to a heading (typed, shared, or from another page).
          await open(lang.prefix + UNIT + "#" + encodeURIComponent(toc[1]));
          check("load", w, lang, toc[1], await jump(toc[1]));
          // Each table-of-contents link, from the top of the page.
          for (const [i, id] of toc.slice(0, 3).entries()) {
            await s.exec(() => window.scrollTo(0, 0));
            await s.clickNth(".toc a", i);
            check("toc", w, lang, id, await jump(id));
          }
          // A search result, picked from another page.
          await open(lang.prefix + "about/");
          await search(QUERY[lang.code]);
          await s.click("#search-results a.search-result");
          await s.waitFor((p) => location.pathname.endsWith(p) && !!location.hash, [UNIT], { what: "the result's page" });
          const id = decodeURIComponent((await s.exec(() => location.hash)).slice(1));
          check("search", w, lang, id, await jump(id));
        }
      }
      t.diagnostic(`${n - bad.length} of ${n} jumps seen below the header`);
      assert.deepEqual(bad, []);
    });

    test("the drawer opens and closes, and its links open their pages", async () => {
      await e.viewport(360, HEIGHT);
      for (const lang of LANGS) {
        await open(lang.prefix + UNIT);
        const drawer = () => s.exec(() => { const r = document.getElementById("sidebar").getBoundingClientRect(); return getComputedStyle(document.getElementById("sidebar")).visibility === "visible" && r.left >= -1 && r.width > 100; });
        assert.equal(await drawer(), false, "closed at first");
        await s.click(".menu-toggle");
        await s.waitFor(() => getComputedStyle(document.getElementById("sidebar")).transform === "none", [], { what: "drawer open" });
        assert.equal(await drawer(), true, "open on screen");
        await s.click(".menu-toggle");
        await s.waitFor(() => getComputedStyle(document.getElementById("sidebar")).visibility === "hidden", [], { what: "drawer closed" });
        await s.click(".menu-toggle");
        await s.waitFor(() => getComputedStyle(document.getElementById("sidebar")).transform === "none", [], { what: "drawer open" });
        await s.click('#sidebar a[href$="about/"]');
        await s.waitFor((p) => location.pathname.endsWith(p) && document.readyState === "complete", ["about/"], { what: "about page" });
        assert.equal(await h1(), title(lang, "about/"));
      }
    });

    test("the search results close on a tap outside them and when the drawer opens", async () => {
      await e.viewport(360, HEIGHT);
      for (const lang of LANGS) {
        await open(lang.prefix + UNIT);
        await search(lang.code === "zh" ? "群众" : "masses");
        assert.equal(await s.exec(panelShown), true, "results shown");
        const p = await s.exec(quietPoint);
        assert.ok(p, "a quiet spot on the page to tap");
        await s.tapAt(p.x, p.y);
        await s.waitFor(() => !document.getElementById("search-results").getClientRects().length, [], { what: "results to close after a tap outside" });
        assert.match(await at(), /research\/$/, "the tap did not navigate");
        // Back in the box, the results show again; opening the drawer closes them.
        await s.click("#search-input");
        await s.waitFor(panelShown, [], { what: "results shown again" });
        await s.click(".menu-toggle");
        await s.waitFor(() => getComputedStyle(document.getElementById("sidebar")).transform === "none", [], { what: "drawer open" });
        assert.equal(await s.exec(panelShown), false, "results closed when the drawer opened");
        const onTop = await s.exec(() => {
          const a = document.querySelector("#sidebar a"), r = a.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return !!hit && document.getElementById("sidebar").contains(hit);
        });
        assert.ok(onTop, "the drawer's first link is not covered");
      }
    });
  });

  describe("search", () => {
    test("zh: 调查研究 typed one character at a time finds the research unit and lands on its heading", async () => {
      await e.viewport(390, HEIGHT);
      await open("");
      await search("调查研究");
      const r = await s.exec(() => Array.from(document.querySelectorAll("#search-results a.search-result .search-title")).map((t) => t.textContent.trim()));
      assert.ok(r.length >= 3, r.join(" | "));
      assert.equal(r[0], contentTitle("units/research.md"));
      assert.match(await s.exec(() => document.querySelector("#search-results .search-count").textContent), /^找到 \d+ 条结果$/);
      await s.click("#search-results a.search-result");
      await s.waitFor(() => location.hash.length > 1 && document.readyState === "complete", [], { what: "result page" });
      assert.equal(await at(), "/units/research/#要义");
      assert.equal((await jump("要义")).seen, true);
    });

    test("en: the inflected word 'investigating' finds the research unit", async () => {
      await e.viewport(390, HEIGHT);
      await open("en/units/propaganda/");
      await search("investigating");
      const first = await s.exec(() => document.querySelector("#search-results a.search-result .search-title").textContent.trim());
      assert.equal(first, contentTitle("units/research.en.md"));
      await s.click("#search-results a.search-result");
      await s.waitFor(() => location.hash.length > 1 && document.readyState === "complete", [], { what: "result page" });
      assert.equal(await at(), "/en/units/research/#key-points");
    });

    test("a query without matches says so", async () => {
      for (const [home, q, none] of [["en/", "zzqxv", "No results"], ["", "量子力学", "没有找到相关内容"]]) {
        await open(home);
        await s.click("#search-input");
        await s.type("#search-input", q);
        await s.waitFor(() => !!document.querySelector("#search-results .search-none"), [], { what: "no results" });
        assert.equal(await s.exec(() => document.getElementById("search-results").textContent.trim()), none);
      }
    });
  });

  describe("reading", () => {
    test("each sidebar link opens its page; next walks the reading order (desktop)", async () => {
      await e.viewport(1280, 900);
      for (const lang of LANGS) {
        await open(lang.prefix);
        const links = await s.exec(() => Array.from(document.querySelectorAll("#sidebar a")).map((a) => a.getAttribute("href")));
        assert.equal(links.length, ORDER.length - 1);
        for (let i = 0; i < links.length; i++) {
          await s.clickNth("#sidebar a", i);
          await s.waitFor((p) => decodeURI(location.pathname).endsWith(p) && document.readyState === "complete", ["/" + lang.prefix + ORDER[i + 1]], { what: `page ${ORDER[i + 1]}` });
          assert.equal(await h1(), title(lang, ORDER[i + 1]));
        }
        await open(lang.prefix);
        for (const p of ORDER.slice(1)) {
          await s.click(".pager a[rel=next]");
          await s.waitFor((want) => decodeURI(location.pathname).endsWith(want) && document.readyState === "complete", ["/" + lang.prefix + p], { what: `next: ${p}` });
          assert.equal(await h1(), title(lang, p));
        }
      }
    });

    test("the language switch goes to the same page in the other language and back", async () => {
      await e.viewport(375, HEIGHT);
      const [zh, en] = LANGS;
      for (const p of ORDER) {
        await open(p);
        await s.click(`.lang-switch a[hreflang="${en.htmlLang}"]`);
        await s.waitFor((want) => decodeURI(location.pathname).endsWith(want) && document.readyState === "complete", ["/" + en.prefix + p], { what: `en ${p}` });
        assert.equal(await s.exec(() => document.documentElement.lang), en.htmlLang);
        assert.equal(await h1(), title(en, p));
        await s.click(`.lang-switch a[hreflang="${zh.htmlLang}"]`);
        await s.waitFor((want) => decodeURI(location.pathname) === want && document.readyState === "complete", ["/" + zh.prefix + p], { what: `zh ${p}` });
        assert.equal(await h1(), title(zh, p));
      }
    });

    test("English quotes are set in a Latin face, not a CJK one", async (t) => {
      await e.viewport(375, HEIGHT);
      await open("en/" + UNIT);
      const en = await s.exec(quoteWidth, ".content p");
      await open(UNIT);
      const zh = await s.exec(quoteWidth, ".content p");
      report.push({ check: "quote", en, zh });
      t.diagnostic(`curly quote: ${en} em in English, ${zh} em in Chinese`);
      assert.ok(en < 0.6, `an English “ is ${en} em wide (a CJK face's is 1 em)`);
    });
  });

  test("screenshots at 360 px: unit page, search results, drawer", async () => {
    const dir = path.join(ensureArtifacts(), "engines");
    fs.mkdirSync(dir, { recursive: true });
    await e.viewport(360, HEIGHT);
    for (const lang of LANGS) {
      const shot = (what) => s.screenshot(path.join(dir, `${key}-360-${lang.code}-${what}.png`));
      await open(lang.prefix + UNIT);
      await shot("unit");
      await search(QUERY[lang.code]);
      await shot("search");
      await s.click(".menu-toggle");
      await s.waitFor(() => getComputedStyle(document.getElementById("sidebar")).transform === "none", [], { what: "drawer open" });
      await shot("drawer");
      await s.click(".menu-toggle");
      await open(lang.prefix + UNIT + "#" + encodeURIComponent(lang.code === "zh" ? "工作要求" : "what-is-asked-of-cadres"));
      await jump(lang.code === "zh" ? "工作要求" : "what-is-asked-of-cadres");
      await shot("jump");
    }
  });
}
