// Reading the portal with a desktop browser, served at the root and under a
// sub-path (same build): home, the sidebar, breadcrumbs, prev/next, the
// language switcher and the 404 pages, in Chinese and English.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LANGS, MOUNTS, assertLocalOnly, build, contentTitle, follow, h1, launch, linkTitle, relPath, startServer } from "./helpers.mjs";

// The reading order the content's weights give (home, then the units
// section and its pages by weight, then "about" with weight 10).
const ORDER = ["", "units/", "units/propaganda/", "units/research/", "units/letters-and-visits/", "units/on-site-office/", "about/"];
const FILE = { "": "_index", "units/": "units/_index", "units/propaganda/": "units/propaganda", "units/research/": "units/research",
  "units/letters-and-visits/": "units/letters-and-visits", "units/on-site-office/": "units/on-site-office", "about/": "about" };
const title = (lang, p) => contentTitle(FILE[p] + lang.suffix);

let b;
before(async () => { b = await launch(); });
after(async () => { await b?.close(); });

for (const mount of MOUNTS) {
  describe(`served at ${mount}`, () => {
    let srv;
    before(async () => { srv = await startServer(build("public"), mount); });
    after(async () => { await srv?.close(); });

    for (const lang of LANGS) {
      describe(lang.code, () => {
        test("home page opens with its title, language and sidebar", async () => {
          const page = await b.newPage();
          const res = await page.goto(srv.base + lang.prefix);
          assert.equal(res.status(), 200);
          assert.equal(await h1(page), title(lang, ""));
          assert.equal(await page.getAttribute("html", "lang"), lang.htmlLang);
          assert.ok(await page.locator("#sidebar").isVisible(), "sidebar visible on desktop");
          assert.ok(await page.locator("link[rel=stylesheet]").first().evaluate((l) => !!l.sheet && l.sheet.cssRules.length > 0), "stylesheet loaded");
          await page.close();
          assertLocalOnly(assert, b);
        });

        test("every sidebar link opens its page (h1, aria-current)", async () => {
          const page = await b.newPage();
          await page.goto(srv.base + lang.prefix);
          const n = await page.locator("#sidebar a").count();
          assert.equal(n, ORDER.length - 1, "sidebar lists every section and page except home");
          for (let i = 0; i < n; i++) {
            const link = page.locator("#sidebar a").nth(i);
            const text = await linkTitle(link);
            await follow(page, () => link.click());
            assert.equal(relPath(page.url(), srv.base), lang.prefix + ORDER[i + 1], `link ${i} (${text}) goes to the page`);
            assert.equal(await h1(page), text, "h1 equals the sidebar link");
            assert.equal(text, title(lang, ORDER[i + 1]));
            const current = page.locator("#sidebar [aria-current=page]");
            assert.equal(await current.count(), 1);
            assert.equal(await linkTitle(current), text, "sidebar marks the open page");
          }
          await page.close();
          assertLocalOnly(assert, b);
        });

        test("breadcrumbs lead back up from a unit page", async () => {
          const page = await b.newPage();
          await page.goto(srv.base + lang.prefix + "units/research/");
          const crumbs = page.locator(".breadcrumbs li");
          assert.deepEqual(
            (await crumbs.allInnerTexts()).map((s) => s.trim()),
            [title(lang, ""), title(lang, "units/"), title(lang, "units/research/")],
          );
          assert.equal(await page.locator(".breadcrumbs [aria-current=page]").innerText(), title(lang, "units/research/"));
          await page.locator(".breadcrumbs a").nth(1).click();
          await page.waitForURL((u) => relPath(u.href, srv.base) === lang.prefix + "units/");
          assert.equal(await h1(page), title(lang, "units/"));
          await page.locator(".breadcrumbs a").first().click();
          await page.waitForURL((u) => relPath(u.href, srv.base) === lang.prefix);
          assert.equal(await h1(page), title(lang, ""));
          await page.close();
          assertLocalOnly(assert, b);
        });

        test("next walks the reading order to the end, prev walks it back", async () => {
          const page = await b.newPage();
          await page.goto(srv.base + lang.prefix);
          const sidebar = [];
          for (const a of await page.locator("#sidebar a").all()) sidebar.push(await linkTitle(a));
          const forward = [await h1(page)];
          const paths = [relPath(page.url(), srv.base)];
          assert.equal(await page.locator(".pager a[rel=prev]").count(), 0, "home has no previous page");
          for (let guard = 0; guard < 30; guard++) {
            const next = page.locator(".pager a[rel=next]");
            if ((await next.count()) === 0) break;
            const announced = (await next.locator(".pager-title").innerText()).trim();
            await follow(page, () => next.click());
            forward.push(await h1(page));
            paths.push(relPath(page.url(), srv.base));
            assert.equal(forward.at(-1), announced, "the next link names the page it opens");
          }
          assert.deepEqual(paths, ORDER.map((p) => lang.prefix + p));
          assert.deepEqual(forward.slice(1), sidebar, "reading order equals sidebar order");
          const backward = [await h1(page)];
          for (let guard = 0; guard < 30; guard++) {
            const prev = page.locator(".pager a[rel=prev]");
            if ((await prev.count()) === 0) break;
            await follow(page, () => prev.click());
            backward.push(await h1(page));
          }
          assert.deepEqual(backward, [...forward].reverse(), "prev retraces next");
          await page.close();
          assertLocalOnly(assert, b);
        });

        test("language switcher goes to the counterpart and back on every page", async () => {
          const other = LANGS.find((l) => l !== lang);
          const page = await b.newPage();
          // Chinese → English → Chinese on every page; the other way on two.
          for (const p of lang.code === "zh" ? ORDER : ["", "units/research/"]) {
            await page.goto(srv.base + lang.prefix + p);
            const sw = page.locator(`.lang-switch a[hreflang="${other.htmlLang}"]`);
            assert.equal(await sw.count(), 1, `switcher to ${other.code} on ${p || "home"}`);
            await follow(page, () => sw.click());
            assert.equal(relPath(page.url(), srv.base), other.prefix + p, "same page in the other language");
            assert.equal(await page.getAttribute("html", "lang"), other.htmlLang);
            assert.equal(await h1(page), title(other, p));
            assert.equal((await page.locator(`.lang-switch [aria-current=true]`).innerText()).trim().length > 0, true);
            const back = page.locator(`.lang-switch a[hreflang="${lang.htmlLang}"]`);
            await follow(page, () => back.click());
            assert.equal(relPath(page.url(), srv.base), lang.prefix + p, "and back");
            assert.equal(await h1(page), title(lang, p));
          }
          await page.close();
          assertLocalOnly(assert, b);
        });

        test("a missing URL answers 404 with the localized not-found page", async () => {
          const page = await b.newPage();
          const res = await page.goto(srv.base + lang.prefix + "units/no-such-page/");
          assert.equal(res.status(), 404);
          assert.equal(await page.getAttribute("html", "lang"), lang.htmlLang);
          assert.equal(await h1(page), lang.code === "zh" ? "页面不存在" : "Page not found");
          if (mount === "/") {
            // At the root the 404 page's root-absolute links work: styled, and "back home" opens home.
            assert.ok(await page.locator("link[rel=stylesheet]").first().evaluate((l) => !!l.sheet), "404 page styled");
            await follow(page, () => page.locator("main a.button").click());
            assert.equal(relPath(page.url(), srv.base), lang.prefix);
            assert.equal(await h1(page), title(lang, ""));
          }
          await page.close();
          assertLocalOnly(assert, b);
        });
      });
    }
  });
}
