// Chinese typed through an input method (Chromium's DevTools protocol plays
// one: Input.imeSetComposition, then Input.insertText to commit). While the
// reader composes, the box holds pinyin: no search may run on it (no "没有
// 找到相关内容" flashing at each key, no index file fetched); once 调查 is
// committed, exactly one search runs and its results show.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { assertLocalOnly, build, contentTitle, launch, startServer } from "./helpers.mjs";

let b, srv;
before(async () => { b = await launch({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }); srv = await startServer(build("public"), "/"); });
after(async () => { await b?.close(); await srv?.close(); });

// What a person's input method shows, key after key, before choosing 调查.
const PINYIN = ["d", "di", "dia", "diao", "diao'c", "diao'ch", "diao'cha"];
// A person's pace between keys: longer than the box's 120 ms debounce,
// so a box that searched while composing would do so at every key.
const KEY_GAP_MS = 250;

test("zh: no search while the input method composes, one when 调查 is committed", async () => {
  const page = await b.newPage();
  // Every query the page's search client is asked (set on the client
  // object as it loads), and everything the results box ever shows.
  await page.addInitScript(() => {
    window.__queries = [];
    let gs;
    Object.defineProperty(window, "GrassrootsSearch", {
      configurable: true,
      get: () => gs,
      set(v) {
        gs = v;
        const fromPage = v.fromPage;
        v.fromPage = (doc) => {
          const ix = fromPage.call(v, doc);
          if (!ix) return ix;
          const preview = ix.preview.bind(ix);
          ix.preview = (q, o) => { window.__queries.push(q); return preview(q, o); };
          return ix;
        };
      },
    });
  });
  await page.goto(srv.base);
  await page.evaluate(() => {
    const box = document.getElementById("search-results");
    window.__shown = [];
    new MutationObserver(() => window.__shown.push(box.textContent)).observe(box, { childList: true, subtree: true, characterData: true });
  });
  const input = page.locator("#search-input");
  await input.focus();
  // Focusing loads the client and its entry file; wait for that, so only
  // what composing or committing fetches is counted below.
  await page.waitForFunction(() => window.GrassrootsSearch && window.GrassrootsSearch.fromPage);
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((r) => /\/search\/zh\/entry/.test(r.name) && r.responseEnd > 0));
  const from = srv.log.length;
  const cdp = await page.context().newCDPSession(page);
  const events = await page.evaluateHandle(() => {
    const seen = [];
    for (const type of ["compositionstart", "compositionend"]) document.getElementById("search-input").addEventListener(type, () => seen.push(type));
    return seen;
  });

  for (const text of PINYIN) {
    await cdp.send("Input.imeSetComposition", { text, selectionStart: text.length, selectionEnd: text.length });
    assert.equal(await input.inputValue(), text, "the box shows the pinyin being composed");
    await page.waitForTimeout(KEY_GAP_MS);
  }
  assert.deepEqual(await events.jsonValue(), ["compositionstart"], "still composing");
  const duringComposition = srv.log.slice(from).map((e) => e.path).filter((p) => p.includes("/search/"));
  const shownWhileComposing = await page.evaluate(() => window.__shown.slice());

  await cdp.send("Input.insertText", { text: "调查" });
  assert.equal(await input.inputValue(), "调查");
  await page.waitForFunction(() => document.getElementById("search-results").getAttribute("data-query") === "调查" &&
    document.querySelector("#search-results a.search-result"));

  assert.deepEqual(duringComposition, [], "index files fetched while composing");
  assert.deepEqual(shownWhileComposing.filter((t) => t.trim()), [], "the results box showed something while composing");
  assert.ok(!(await page.evaluate(() => window.__shown)).some((t) => t.includes("没有找到相关内容")), "“nothing found” never shows");
  assert.deepEqual(await page.evaluate(() => window.__queries), ["调查"], "one search, for the committed text");
  const first = (await page.locator("#search-results a.search-result .search-title").first().innerText()).trim();
  assert.equal(first, contentTitle("units/research.md"));
  await page.close();
  assertLocalOnly(assert, b);
});
