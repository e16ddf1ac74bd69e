#!/usr/bin/env node
// Pagefind ranking quality and bytes downloaded per cold query, measured in a
// real headless Chromium.
//   node eval_pagefind.mjs BASE_URL PUBLIC_DIR PAGEFIND_SUBDIR QUERIES.tsv OUT.json
// BASE_URL serves PUBLIC_DIR (e.g. python3 -m http.server on 127.0.0.1).
// For each query: a new browser context (empty cache, no cookies) loads a tiny
// page <html lang=LANG> (Pagefind picks the index by the page's language),
// imports PAGEFIND_SUBDIR/pagefind.js, runs pagefind.search(q) and .data() of
// the top 10 results. Bytes = sum of response body sizes of every request to
// PAGEFIND_SUBDIR/ (pagefind.js, wasm, entry, meta, index chunks, fragments)
// seen by the context, web workers included.
// Writes per-query rows (rank, bytes, files, top urls) to OUT.json.
import { chromium } from "playwright-core";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { CHROMIUM_ARGS } from "../../tests/e2e/chromium-flags.mjs";

const [base, publicDir, sub, tsv, outJson] = process.argv.slice(2);
if (!outJson) {
  console.error("usage: eval_pagefind.mjs BASE_URL PUBLIC_DIR PAGEFIND_SUBDIR QUERIES.tsv OUT.json");
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const HTML_LANG = { zh: "zh-CN", en: "en" };
for (const [lang, code] of Object.entries(HTML_LANG)) {
  writeFileSync(
    join(publicDir, `pagefind-bench-${lang}.html`),
    `<!doctype html><html lang="${code}"><head><meta charset="utf-8"><title>bench</title></head><body></body></html>\n`,
  );
}
const rows = readFileSync(tsv, "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));

const profile = mkdtempSync(join(tmpdir(), "bench-chromium-"));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [...CHROMIUM_ARGS, "--disk-cache-dir=" + join(profile, "cache")],
});
const out = [];
try {
  for (const [lang, query, expected] of rows) {
    const context = await browser.newContext({ serviceWorkers: "block" });
    const seen = [];
    context.on("requestfinished", (req) => seen.push(req));
    const page = await context.newPage();
    await page.goto(`${base}/pagefind-bench-${lang}.html`);
    const urls = await page.evaluate(
      async ([sub, q]) => {
        const pagefind = await import(`/${sub}/pagefind.js`);
        if (pagefind.init) await pagefind.init();
        const r = await pagefind.search(q);
        const top = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
        return top.map((d) => d.url);
      },
      [sub, query],
    );
    // Let late requests (if any) finish before counting.
    await page.waitForLoadState("networkidle");
    let bytes = 0;
    const files = [];
    for (const req of seen) {
      const path = new URL(req.url()).pathname;
      if (!path.startsWith(`/${sub}/`)) continue;
      const sizes = await req.sizes();
      bytes += sizes.responseBodySize;
      files.push(path.slice(1));
    }
    await context.close();
    const rel = urls.map((u) => u.replace(/^\//, ""));
    const stem = expected.replace(/\.md$/, "");
    const want = lang === "zh" ? `${stem}/` : `${lang}/${stem}/`;
    const rank = rel.findIndex((u) => u.startsWith(want)) + 1;
    out.push({ lang, query, expected, rank, bytes, files, top: rel.slice(0, 3) });
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
  for (const lang of Object.keys(HTML_LANG)) rmSync(join(publicDir, `pagefind-bench-${lang}.html`), { force: true });
}
writeFileSync(outJson, JSON.stringify(out, null, 1));
