// Accessibility: axe-core on each page type, both languages, light and dark;
// skip link, landmarks, the search box's label and live region.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { LANGS, assertLocalOnly, build, follow, launch, startServer } from "./helpers.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const PAGE_TYPES = { home: "", section: "units/", unit: "units/research/", "404": "no-such-page/", print: "units/print/" };

let b, srv;
before(async () => { b = await launch(); srv = await startServer(build("public"), "/"); });
after(async () => { await b?.close(); await srv?.close(); });

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.split("\n").slice(1).join(" ").slice(0, 160) : "")),
  }))));
}

for (const lang of LANGS) {
  for (const scheme of ["light", "dark"]) {
    describe(`axe ${lang.code} ${scheme}`, () => {
      for (const [type, p] of Object.entries(PAGE_TYPES)) {
        test(`${type} page has no serious or critical violations`, async (t) => {
          const page = await b.newPage();
          await page.emulateMedia({ colorScheme: scheme });
          const res = await page.goto(srv.base + lang.prefix + p);
          assert.equal(res.status(), type === "404" ? 404 : 200);
          assert.equal(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches), scheme === "dark");
          const violations = await axe(page);
          for (const v of violations) t.diagnostic(`${v.impact} ${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).join(" | ")}`);
          const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
          assert.deepEqual(bad, [], `serious/critical axe violations on ${lang.prefix + p} (${scheme}):\n${JSON.stringify(bad, null, 2)}`);
          await page.close();
          assertLocalOnly(assert, b);
        });
      }
    });
  }

  describe(`structure ${lang.code}`, () => {
    test("the skip link is the first tab stop and moves focus to main", async () => {
      const page = await b.newPage();
      await page.goto(srv.base + lang.prefix + "units/research/");
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => ({ cls: document.activeElement.className, href: document.activeElement.getAttribute("href"), text: document.activeElement.textContent.trim() }));
      assert.deepEqual(focused, { cls: "skip-link", href: "#main", text: lang.code === "zh" ? "跳到正文" : "Skip to content" });
      const box = await page.locator(".skip-link").boundingBox();
      assert.ok(box && box.y >= 0 && box.width > 10 && box.height > 10, "skip link is visible when focused");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === "main");
      assert.equal(await page.evaluate(() => document.activeElement.tagName), "MAIN");
      assert.equal(new URL(page.url()).hash, "#main");
      await page.close();
    });

    test("landmarks: one banner header, navigation, one main", async () => {
      const page = await b.newPage();
      for (const p of ["", "units/research/", "no-such-page/"]) {
        await page.goto(srv.base + lang.prefix + p);
        assert.equal(await page.getByRole("banner").count(), 1, `banner on ${p}`);
        assert.equal(await page.getByRole("main").count(), 1, `main on ${p}`);
        assert.equal(await page.locator("main#main").count(), 1);
        assert.ok(await page.getByRole("navigation", { name: lang.code === "zh" ? "全站目录" : "Site contents" }).count() === 1, `sidebar nav on ${p}`);
        assert.equal(await page.getByRole("search").count(), 1);
      }
      await page.goto(srv.base + lang.prefix + "units/print/");
      assert.equal(await page.getByRole("main").count(), 1, "print page has main");
      await page.close();
    });

    test("the search input has a label and the results are a live region", async () => {
      const page = await b.newPage();
      await page.goto(srv.base + lang.prefix);
      const name = lang.code === "zh" ? "搜索全站" : "Search the site";
      assert.equal(await page.getByRole("searchbox", { name, exact: true }).count(), 1, "searchbox named by its label");
      assert.equal(await page.locator('label[for="search-input"]').innerText(), name);
      assert.equal(await page.locator("#search-results").getAttribute("aria-live"), "polite");
      // The result links are reachable by keyboard.
      await page.locator("#search-input").pressSequentially(lang.code === "zh" ? "露珠" : "dewdrops", { delay: 30 });
      await page.locator("#search-results a.search-result").first().waitFor();
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement.classList.contains("search-result")), true, "Tab reaches the first result");
      await follow(page, () => page.keyboard.press("Enter"));
      assert.match(decodeURIComponent(page.url()), /units\/research\/#/);
      await page.close();
    });
  });
}
