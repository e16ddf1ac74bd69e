// Page weight of a unit page (HTML + CSS + JS before any search), no web
// fonts, and no layout shift of the main content when search results open.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LANGS, assertLocalOnly, build, launch, settledResults, startServer } from "./helpers.mjs";

const BUDGET = 60 * 1024;
const FONT = /\.(woff2?|ttf|otf|eot)(\?|#|$)/i;

let srv;
before(async () => { srv = await startServer(build("public"), "/"); });
after(async () => { await srv?.close(); });

for (const [label, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 360, height: 740 }]]) {
  describe(label, () => {
    let b;
    before(async () => { b = await launch({ viewport }); });
    after(async () => { await b?.close(); });

    for (const lang of LANGS) {
      test(`${lang.code}: a unit page weighs under 60 KB, loads no fonts, and search results do not shift main`, async (t) => {
        const page = await b.newPage();
        const cdp = await b.context.newCDPSession(page);
        await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
        const requested = [];
        page.on("request", (r) => requested.push(r.url()));
        await page.addInitScript(() => {
          window.__shifts = [];
          new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__shifts.push({ value: e.value, t: e.startTime, sources: (e.sources || []).map((s) => s.node && s.node.nodeName) }); })
            .observe({ type: "layout-shift", buffered: true });
        });
        await page.goto(srv.base + lang.prefix + "units/research/", { waitUntil: "load" });
        await page.waitForLoadState("networkidle");
        const w = await page.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const res = performance.getEntriesByType("resource");
          const kind = (e) => /\.css(\?|$)/.test(e.name) ? "css" : /\.m?js(\?|$)/.test(e.name) ? "js" : "other";
          const out = { html: nav.decodedBodySize, css: 0, js: 0, other: 0, transfer: nav.transferSize, files: [] };
          for (const e of res) { out[kind(e)] += e.decodedBodySize; out.transfer += e.transferSize; out.files.push(`${e.name.replace(location.origin, "")} ${e.decodedBodySize}`); }
          out.total = out.html + out.css + out.js;
          return out;
        });
        t.diagnostic(`${lang.code} ${label} units/research/: html ${w.html} + css ${w.css} + js ${w.js} = ${w.total} bytes (other ${w.other}); transfer ${w.transfer}; ${w.files.join(", ")}`);
        assert.ok(w.html > 1000 && w.css > 1000 && w.js > 1000, "HTML, CSS and JS were all measured");
        assert.ok(w.total < BUDGET, `HTML+CSS+JS ${w.total} bytes ≥ ${BUDGET}`);
        assert.deepEqual(requested.filter((u) => FONT.test(u)), [], "no font files requested");
        // (The theme's one @font-face uses local() fonts only: nothing to download.)
        assert.deepEqual(await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.initiatorType === "css" && !/\.css(\?|$)/.test(e.name)).map((e) => e.name)), [], "nothing fetched by the stylesheet");
        assert.deepEqual(requested.filter((u) => /\/search\/(zh|en)\/[rs]\./.test(u)), [], "no index shard loaded before searching");

        // Open the search results and watch #main.
        const main = page.locator("#main");
        const before = await main.boundingBox();
        const h1Before = await page.locator("main h1").boundingBox();
        const shiftsBefore = await page.evaluate(() => window.__shifts.length);
        const q = lang.code === "zh" ? "调查研究" : "investigating";
        await page.locator("#search-input").pressSequentially(q, { delay: 40 });
        await settledResults(page, q);
        const resultsBox = await page.locator("#search-results").boundingBox();
        assert.ok(resultsBox && resultsBox.height > 50, "results are open");
        assert.deepEqual(await main.boundingBox(), before, "#main did not move or resize");
        assert.deepEqual(await page.locator("main h1").boundingBox(), h1Before, "the page heading did not move");
        const shifts = await page.evaluate((n) => window.__shifts.slice(n), shiftsBefore);
        assert.deepEqual(shifts, [], "no layout-shift entries while the results opened");
        await page.close();
        assertLocalOnly(assert, b);
      });
    }
  });
}
