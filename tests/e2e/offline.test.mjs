// The offline copy (`grassroots build --offline`) opened from disk
// (file://): navigation, pager, language switch and search all work.
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { assertLocalOnly, build, contentTitle, follow, h1, launch } from "./helpers.mjs";

let b, base;
before(async () => {
  b = await launch();
  base = pathToFileURL(build("offline") + path.sep).href;
});
after(async () => { await b?.close(); });

const rel = (page) => decodeURIComponent(new URL(page.url()).pathname).slice(decodeURIComponent(new URL(base).pathname).length);

test("from file://: home → unit via sidebar → next → language switch → search", async () => {
  const page = await b.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "index.html");
  assert.equal(await h1(page), contentTitle("_index.md"));
  assert.ok(await page.locator("link[rel=stylesheet]").first().evaluate((l) => !!l.sheet), "stylesheet loads from disk");

  const unit = page.locator("#sidebar a", { hasText: contentTitle("units/research.md") });
  await follow(page, () => unit.click());
  assert.equal(rel(page), "units/research/index.html", "offline links name index.html");
  assert.equal(await h1(page), contentTitle("units/research.md"));

  await follow(page, () => page.locator(".pager a[rel=next]").click());
  assert.equal(rel(page), "units/letters-and-visits/index.html");
  assert.equal(await h1(page), contentTitle("units/letters-and-visits.md"));

  await follow(page, () => page.locator('.lang-switch a[hreflang="en"]').click());
  assert.equal(rel(page), "en/units/letters-and-visits/index.html");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await h1(page), contentTitle("units/letters-and-visits.en.md"));

  // English search from disk.
  await page.locator("#search-input").pressSequentially("investigating", { delay: 50 });
  // The results of the whole word, not of a prefix typed on the way.
  const first = page.locator('#search-results[data-query="investigating"] a.search-result').first();
  await first.waitFor({ state: "visible" });
  assert.equal((await first.locator(".search-title").innerText()).trim(), contentTitle("units/research.en.md"));
  assert.match(await first.getAttribute("href"), /index\.html#/, "result links name index.html offline");
  await follow(page, () => first.click());
  assert.equal(rel(page), "en/units/research/index.html");
  const id = decodeURIComponent(new URL(page.url()).hash.slice(1));
  assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `heading #${id} exists`);

  // Chinese search from disk, from a page two folders down.
  await follow(page, () => page.locator('.lang-switch a[hreflang="zh-CN"]').click());
  assert.equal(rel(page), "units/research/index.html");
  await page.locator("#search-input").pressSequentially("露珠", { delay: 50 });
  const zh = page.locator('#search-results[data-query="露珠"] a.search-result').first();
  await zh.waitFor({ state: "visible" });
  await follow(page, () => zh.click());
  assert.equal(rel(page), "units/research/index.html");
  assert.equal(decodeURIComponent(new URL(page.url()).hash), "#要义");
  assert.ok(await page.locator('[id="要义"]').isVisible());

  assert.deepEqual(errors, [], "no script errors");
  assert.ok(b.requests.every((u) => u.startsWith("file:") || u.startsWith("data:")), "everything loaded from disk");
  await page.close();
  assertLocalOnly(assert, b);
});
