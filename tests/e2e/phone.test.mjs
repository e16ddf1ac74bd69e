// Phones (360×740 and 390×844, touch): no sideways scrolling anywhere, the
// menu drawer, tap-target sizes, readable text, wide content that scrolls
// inside itself, long Chinese lines that wrap. Screenshots go to artifacts/.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { LANGS, assertLocalOnly, build, ensureArtifacts, follow, launch, settledResults, startServer } from "./helpers.mjs";

const PHONES = [{ width: 360, height: 740 }, { width: 390, height: 844 }];
const PAGES = ["", "units/", "units/propaganda/", "units/research/", "units/letters-and-visits/", "units/on-site-office/", "about/", "units/print/", "print/", "no-such-page/"];
const MIN_TAP = 44;

let srv, fx;
before(async () => {
  srv = await startServer(build("public"), "/");
  fx = await startServer(build("fixture"), "/");
});
after(async () => { await srv?.close(); await fx?.close(); });

/** Horizontal overflow: the document is no wider than the viewport. */
async function widths(page) {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    body: document.body.scrollWidth,
  }));
}

/** Elements (visible ones) whose box is lower than MIN_TAP. */
async function shortTargets(page, selector) {
  return page.locator(selector).evaluateAll((els, min) => els
    .filter((e) => { const s = getComputedStyle(e); return s.display !== "none" && s.visibility !== "hidden" && e.getClientRects().length; })
    .map((e) => ({ el: e.className || e.tagName, text: e.textContent.trim().slice(0, 30), h: Math.round(e.getBoundingClientRect().height * 10) / 10 }))
    .filter((r) => r.h < min), MIN_TAP);
}

for (const vp of PHONES) {
  describe(`phone ${vp.width}×${vp.height}`, () => {
    let b;
    before(async () => { b = await launch({ viewport: vp, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }); });
    after(async () => { await b?.close(); });

    for (const lang of LANGS) {
      test(`${lang.code}: no horizontal scrolling on any page`, async () => {
        const page = await b.newPage();
        const bad = [];
        for (const p of PAGES) {
          await page.goto(srv.base + lang.prefix + p);
          const w = await widths(page);
          if (w.inner !== vp.width || w.scroll > w.inner) bad.push({ page: lang.prefix + p, ...w });
        }
        // With the search results open, too.
        await page.goto(srv.base + lang.prefix + "units/research/");
        await page.locator("#search-input").pressSequentially(lang.code === "zh" ? "调查研究" : "investigation", { delay: 30 });
        await page.locator("#search-results a.search-result").first().waitFor();
        const w = await widths(page);
        if (w.inner !== vp.width || w.scroll > w.inner) bad.push({ page: "search results open", ...w });
        assert.deepEqual(bad, [], "pages wider than the phone");
        await page.close();
        assertLocalOnly(assert, b);
      });

      test(`${lang.code}: the menu button opens and closes the navigation`, async () => {
        const page = await b.newPage();
        await page.goto(srv.base + lang.prefix + "units/research/");
        const toggle = page.locator(".menu-toggle");
        const sidebar = page.locator("#sidebar");
        assert.ok(await toggle.isVisible());
        assert.equal(await toggle.getAttribute("aria-expanded"), "false");
        assert.equal(await sidebar.isVisible(), false, "drawer closed at first");
        const inView = () => sidebar.evaluate((s) => { const r = s.getBoundingClientRect(); return r.left >= -1 && r.right <= innerWidth + 1 && r.width > 100; });

        await toggle.tap();
        assert.equal(await toggle.getAttribute("aria-expanded"), "true");
        await sidebar.waitFor({ state: "visible" });
        await page.waitForFunction(() => getComputedStyle(document.getElementById("sidebar")).transform === "none");
        assert.ok(await inView(), "drawer on screen");
        assert.equal(await page.locator("#sidebar [aria-current=page]").isVisible(), true);
        assert.deepEqual(await shortTargets(page, "#sidebar a"), [], `sidebar links ≥ ${MIN_TAP}px high`);
        await page.keyboard.press("Escape");
        assert.equal(await toggle.getAttribute("aria-expanded"), "false");
        await sidebar.waitFor({ state: "hidden" });
        assert.ok(await toggle.evaluate((t) => document.activeElement === t), "focus back on the menu button");

        await toggle.tap();
        await sidebar.waitFor({ state: "visible" });
        assert.equal(await toggle.getAttribute("aria-expanded"), "true");
        await toggle.tap();
        assert.equal(await toggle.getAttribute("aria-expanded"), "false");
        await sidebar.waitFor({ state: "hidden" });

        // A link in the open drawer takes the reader there.
        await toggle.tap();
        await page.waitForFunction(() => getComputedStyle(document.getElementById("sidebar")).transform === "none");
        const about = page.locator('#sidebar a[href$="about/"]');
        await follow(page, () => about.tap());
        assert.match(page.url(), /about\/$/);
        await page.close();
        assertLocalOnly(assert, b);
      });

      test(`${lang.code}: tap targets of header, pager and sidebar are ≥ ${MIN_TAP}px high`, async () => {
        const page = await b.newPage();
        await page.goto(srv.base + lang.prefix + "units/research/");
        const short = [
          ...(await shortTargets(page, ".site-header button, .site-header a:not(.site-title), #search-input")),
          ...(await shortTargets(page, ".pager a")),
        ];
        assert.ok((await page.locator(".pager a").count()) === 2);
        await page.locator(".menu-toggle").tap();
        await page.locator("#sidebar").waitFor({ state: "visible" });
        short.push(...(await shortTargets(page, "#sidebar a")));
        assert.deepEqual(short, [], "tap targets lower than 44 px");
        await page.close();
      });

      test(`${lang.code}: the header's site-title link is ≥ ${MIN_TAP}px high`, async () => {
        const page = await b.newPage();
        await page.goto(srv.base + lang.prefix + "units/research/");
        assert.deepEqual(await shortTargets(page, ".site-header .site-title"), [], "site title tap target");
        await page.close();
      });

      test(`${lang.code}: body text ≥ 16px and long lines wrap inside the screen`, async () => {
        const page = await b.newPage();
        await page.goto(srv.base + lang.prefix + "units/research/");
        const sizes = await page.locator(".content p, .content li").evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
        assert.ok(sizes.length > 3);
        assert.ok(Math.min(...sizes) >= 16, `smallest body text ${Math.min(...sizes)}px`);
        // The longest paragraph wraps onto several lines within the viewport.
        const p = await page.locator(".content p").evaluateAll((els) => {
          const e = els.sort((a, b) => b.textContent.length - a.textContent.length)[0];
          const r = e.getBoundingClientRect();
          return { left: r.left, right: r.right, lines: Math.round(r.height / parseFloat(getComputedStyle(e).lineHeight)), overflow: e.scrollWidth > e.clientWidth };
        });
        assert.ok(p.left >= 0 && p.right <= vp.width, `paragraph inside the screen: ${JSON.stringify(p)}`);
        assert.ok(p.lines >= 3, `long paragraph wraps (${p.lines} lines)`);
        assert.equal(p.overflow, false);
        await page.close();
      });

      test(`${lang.code}: code blocks and wide tables scroll inside themselves (fixture site)`, async () => {
        const page = await b.newPage();
        await page.goto(fx.base + lang.prefix + "wide/");
        const w = await widths(page);
        assert.ok(w.scroll <= w.inner && w.inner === vp.width, `page not wider than the phone: ${JSON.stringify(w)}`);
        for (const sel of ["pre.code", ".table-wrap"]) {
          const box = page.locator(sel).first();
          assert.equal(await box.count(), 1, `${sel} present`);
          const m = await box.evaluate((e) => {
            const r = e.getBoundingClientRect();
            return { sw: e.scrollWidth, cw: e.clientWidth, ox: getComputedStyle(e).overflowX, left: r.left, right: r.right };
          });
          assert.ok(m.sw > m.cw + 50, `${sel} holds wider content (${m.sw} > ${m.cw})`);
          assert.ok(["auto", "scroll"].includes(m.ox), `${sel} overflow-x is ${m.ox}`);
          assert.ok(m.left >= 0 && m.right <= vp.width, `${sel} stays on screen`);
          // A sideways swipe scrolls the block, not the page.
          await box.evaluate((e) => { e.scrollLeft = 120; });
          assert.ok((await box.evaluate((e) => e.scrollLeft)) > 0, `${sel} scrolls`);
          assert.equal(await page.evaluate(() => window.scrollX), 0);
        }
        // The long unbroken line (Chinese text, or an English word) wraps.
        const p = await page.locator(".content p").last().evaluate((e) => {
          const r = e.getBoundingClientRect();
          return { right: r.right, lines: Math.round(r.height / parseFloat(getComputedStyle(e).lineHeight)), overflow: e.scrollWidth > e.clientWidth };
        });
        assert.ok(p.right <= vp.width && p.lines >= 2 && !p.overflow, `long line wraps: ${JSON.stringify(p)}`);
        await page.close();
        assertLocalOnly(assert, b);
      });
    }

    test("screenshots: home, unit page, search results", async () => {
      const dir = ensureArtifacts();
      const page = await b.newPage();
      for (const lang of LANGS) {
        await page.goto(srv.base + lang.prefix);
        await page.screenshot({ path: path.join(dir, `phone-${vp.width}-${lang.code}-home.png`) });
        await page.goto(srv.base + lang.prefix + "units/research/");
        await page.screenshot({ path: path.join(dir, `phone-${vp.width}-${lang.code}-unit.png`) });
        const q = lang.code === "zh" ? "调查研究" : "investigating";
        await page.locator("#search-input").pressSequentially(q, { delay: 30 });
        await settledResults(page, q);
        await page.screenshot({ path: path.join(dir, `phone-${vp.width}-${lang.code}-search.png`) });
      }
      await page.close();
    });
  });
}

describe("desktop 1280×900", () => {
  test("screenshots: home, unit page, search results", async () => {
    const b = await launch({ viewport: { width: 1280, height: 900 } });
    const dir = ensureArtifacts();
    const page = await b.newPage();
    for (const lang of LANGS) {
      await page.goto(srv.base + lang.prefix);
      await page.screenshot({ path: path.join(dir, `desktop-${lang.code}-home.png`) });
      await page.goto(srv.base + lang.prefix + "units/research/");
      await page.screenshot({ path: path.join(dir, `desktop-${lang.code}-unit.png`) });
      const q = lang.code === "zh" ? "调查研究" : "investigating";
      await page.locator("#search-input").pressSequentially(q, { delay: 30 });
      await settledResults(page, q);
      await page.screenshot({ path: path.join(dir, `desktop-${lang.code}-search.png`) });
    }
    assertLocalOnly(assert, b);
    await b.close();
  });
});
