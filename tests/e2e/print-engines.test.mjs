// Printing in each engine: the whole-site print page and a unit page go to
// PDF through Chromium (playwright), Firefox (WebDriver's Print command) and
// WebKit (GTK's print-to-file, engines/webkit-browser.py --print: WebKit's
// driver has no Print command). No page may end with a heading whose text
// is on the next page; the print page's contents are numbered by depth
// (1, 1.1 … 1.4, 2). Page numbers are checked where the engine draws
// @page margin boxes (Chromium).
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { LANGS, build, ensureArtifacts, launch, startServer } from "./helpers.mjs";
import { display, openEngine, selectedEngines } from "./engines/engines.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PAGES = ["print/", "units/research/"];

const printers = {
  async chromium() {
    const b = await launch();
    return {
      async print(url) {
        const page = await b.newPage();
        await page.goto(url);
        await page.emulateMedia({ media: "print" });
        const pdf = await page.pdf({ format: "A4", printBackground: false });
        await page.close();
        return pdf;
      },
      close: () => b.close(),
    };
  },
  async firefox() {
    const e = await openEngine("firefox");
    return {
      async print(url) {
        await e.session.navigate(url);
        await e.session.waitFor(() => document.readyState === "complete");
        return e.session.print({ page: { width: 21, height: 29.7 }, background: false });
      },
      close: () => e.close(),
    };
  },
  async webkit() {
    const env = { ...process.env, DISPLAY: await display() };
    const out = path.join(ensureArtifacts(), "webkit-print.tmp.pdf");
    return {
      async print(url) {
        fs.rmSync(out, { force: true });
        // Not execFileSync: the page comes from this process's own server.
        await promisify(execFile)(path.join(HERE, "engines/webkit-browser.py"), ["--print", url, out], { env });
        return fs.readFileSync(out);
      },
      close: async () => fs.rmSync(out, { force: true }),
    };
  },
};

// NFKC: pdftotext reads some CJK glyphs of Firefox's PDFs as Kangxi radicals (⽅ for 方).
const squash = (s) => s.normalize("NFKC").replace(/\s+/g, "");
const textOf = (html) => html.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/** Headings of the built page (h1–h4), without their "#" anchors. */
function headings(file) {
  const html = fs.readFileSync(file, "utf8");
  return [...html.matchAll(/<h([1-4])[^>]*>([\s\S]*?)<\/h\1>/g)]
    .map((m) => squash(textOf(m[2].replace(/<a class="heading-anchor"[\s\S]*?<\/a>/g, ""))))
    .filter((h) => h.length > 0);
}

/** PDF pages as text, one string a page. */
function pdfPages(file) {
  return execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"], { encoding: "utf8" }).split("\f").filter((p) => p.trim());
}

for (const key of ["chromium", "webkit", "firefox"]) {
  describe(`print in ${key}`, { skip: !selectedEngines().includes(key) && "not in E2E_ENGINES" }, () => {
    let printer, srv, pub;
    before(async () => { pub = build("public"); srv = await startServer(pub, "/"); printer = await printers[key](); });
    after(async () => { await printer?.close(); await srv?.close(); });

    for (const lang of LANGS) {
      for (const p of PAGES) {
        test(`${lang.code} ${p}: no heading left alone at the foot of a page`, async (t) => {
          const pdf = await printer.print(srv.base + lang.prefix + p);
          const file = path.join(ensureArtifacts(), `print-${key}-${lang.code}-${p.replace(/\W+/g, "-")}pdf`);
          fs.writeFileSync(file, pdf);
          const pages = pdfPages(file);
          const heads = headings(path.join(pub, lang.prefix + p, "index.html"));
          // A page whose last line is a heading (or the start of one that
          // wraps) while the next page goes on with body text, not with the
          // next heading (then the line was a link to that page at the end
          // of a section, as "related units" lists are).
          const isHeading = (line) => line.length >= 2 && heads.some((h) => h.startsWith(line));
          const lines = pages.map((page) => page.split("\n").map(squash).filter(Boolean));
          const alone = lines.slice(0, -1).map((ls, i) => {
            const last = ls.at(-1) || "";
            return isHeading(last) && !isHeading(lines[i + 1][0] || "") ? `page ${i + 1}: ${last}` : null;
          }).filter(Boolean);
          t.diagnostic(`${pages.length} pages`);
          assert.deepEqual(alone, [], "pages ending with a heading");
          if (p === "print/") {
            // Contents numbered by depth, in reading order.
            const html = fs.readFileSync(path.join(pub, lang.prefix + p, "index.html"), "utf8");
            const entries = [...html.matchAll(/<li class="print-toc-depth-(\d)"><a [^>]*>([\s\S]*?)<\/a>/g)].map((m) => [Number(m[1]), squash(textOf(m[2]))]);
            const n = [0, 0, 0];
            const want = entries.map(([d, title]) => {
              n[d - 1]++;
              n.fill(0, d);
              return (d === 1 ? `${n[0]}.` : n.slice(0, d).join(".")) + title;
            });
            const toc = squash(pages.slice(0, 3).join(""));
            let at = 0;
            for (const w of want) {
              const i = toc.indexOf(w, at);
              assert.ok(i >= 0, `contents entry "${w}" (in order) in ${toc.slice(at, at + 200)}`);
              at = i + w.length;
            }
            if (key === "chromium") assert.ok(squash(pages.at(-1)).includes(`${pages.length}/${pages.length}`), "page numbers in the footer");
          }
        });
      }
    }
  });
}
