// The search box as a reader uses it: type, watch results appear, pick one
// with the keyboard, land on the heading. Root and sub-path, both languages.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MOUNTS, assertLocalOnly, build, contentTitle, follow, h1, launch, relPath, settledResults, startServer } from "./helpers.mjs";

let b;
before(async () => { b = await launch(); });
after(async () => { await b?.close(); });

/** Types like a person, one key at a time, never pressing Enter: results
 * must already show after the first half of the query, then settle on the
 * whole query's results. */
async function typeQuery(page, query) {
  const input = page.locator("#search-input");
  const chars = Array.from(query);
  const half = Math.max(2, Math.ceil(chars.length / 2));
  await input.click();
  await input.pressSequentially(chars.slice(0, half).join(""), { delay: 60 });
  await page.locator("#search-results a.search-result").first().waitFor({ state: "visible" });
  await input.pressSequentially(chars.slice(half).join(""), { delay: 60 });
  assert.equal(await input.inputValue(), query);
  // Settled: the box shows the whole query's results, excerpts included.
  await settledResults(page, query);
  return page.locator("#search-results a.search-result");
}

/** ArrowDown + Enter on the first result; checks where it lands. */
async function pickFirstAndCheck(page, srv, { path, heading, title }) {
  const first = page.locator("#search-results a.search-result").first();
  await page.keyboard.press("ArrowDown");
  assert.equal(await first.getAttribute("aria-selected"), "true", "ArrowDown selects the first result");
  await follow(page, () => page.keyboard.press("Enter"));
  const url = new URL(page.url());
  assert.equal(relPath(url.href, srv.base), path);
  const id = decodeURIComponent(url.hash.slice(1));
  assert.ok(id, "the result URL names a heading");
  assert.equal(await h1(page), title);
  const target = page.locator(`[id="${id}"]`);
  assert.equal(await target.count(), 1, `element #${id} exists`);
  assert.match(await target.evaluate((e) => e.tagName), /^H[2-6]$/);
  // The heading's text, without its "#" permalink anchor.
  const text = await target.evaluate((e) => { const c = e.cloneNode(true); c.querySelectorAll(".heading-anchor").forEach((a) => a.remove()); return c.textContent.trim(); });
  assert.equal(text, heading);
  // Scrolling to the fragment can finish a frame after load.
  await page.waitForFunction((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight;
  }, id);
}

for (const mount of MOUNTS) {
  describe(`served at ${mount}`, () => {
    let srv;
    before(async () => { srv = await startServer(build("public"), mount); });
    after(async () => { await srv?.close(); });

    test("zh: results appear while typing 调查研究, from the home page", async () => {
      const page = await b.newPage();
      await page.goto(srv.base);
      const results = await typeQuery(page, "调查研究");
      assert.ok((await results.count()) >= 3);
      assert.equal((await results.first().locator(".search-title").innerText()).trim(), contentTitle("units/research.md"));
      assert.match(await page.locator("#search-results .search-count").innerText(), /^找到 \d+ 条结果$/);
      assert.equal((await results.first().locator("mark").first().innerText()).trim(), "调查研究", "the match is highlighted");
      await pickFirstAndCheck(page, srv, { path: "units/research/", heading: "要义", title: contentTitle("units/research.md") });
      await page.close();
      assertLocalOnly(assert, b);
    });

    test("zh: 露珠 from a unit page finds the research unit's paragraph", async () => {
      const page = await b.newPage();
      await page.goto(srv.base + "units/on-site-office/");
      const results = await typeQuery(page, "露珠");
      assert.equal((await results.first().locator(".search-title").innerText()).trim(), "调查研究下基层");
      assert.match(await results.first().locator(".search-excerpt").innerText(), /露珠/);
      await pickFirstAndCheck(page, srv, { path: "units/research/", heading: "要义", title: "调查研究下基层" });
      await page.close();
      assertLocalOnly(assert, b);
    });

    test("en: the inflected word 'investigating' finds the research unit", async () => {
      const page = await b.newPage();
      await page.goto(srv.base + "en/units/propaganda/");
      const results = await typeQuery(page, "investigating");
      const title = contentTitle("units/research.en.md");
      assert.equal((await results.first().locator(".search-title").innerText()).trim(), title);
      assert.match(await page.locator("#search-results .search-count").innerText(), /^\d+ results$/);
      await pickFirstAndCheck(page, srv, { path: "en/units/research/", heading: "Key points", title });
      await page.close();
      assertLocalOnly(assert, b);
    });

    test("a query without matches says so, Escape clears", async () => {
      const page = await b.newPage();
      await page.goto(srv.base + "en/");
      await page.locator("#search-input").pressSequentially("zzqxv", { delay: 40 });
      await page.locator("#search-results .search-none").waitFor();
      assert.equal((await page.locator("#search-results").innerText()).trim(), "No results");
      await page.keyboard.press("Escape");
      assert.equal((await page.locator("#search-results").innerText()).trim(), "");
      await page.goto(srv.base);
      await page.locator("#search-input").pressSequentially("量子力学", { delay: 40 });
      await page.locator("#search-results .search-none").waitFor();
      assert.equal((await page.locator("#search-results").innerText()).trim(), "没有找到相关内容");
      await page.close();
      assertLocalOnly(assert, b);
    });
  });
}
