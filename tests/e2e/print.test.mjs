// Printing: a section's print page and the whole-site print page go through
// Chromium's PDF printer; the PDF's text holds the headings and body and none
// of the navigation.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { LANGS, assertLocalOnly, build, contentTitle, ensureArtifacts, launch, startServer } from "./helpers.mjs";

// Navigation and UI strings (themes/default/i18n) that must not be printed.
const NAV_TEXT = {
  zh: ["跳到正文", "全站目录", "关闭", "搜索全站", "搜索，如", "上一篇", "下一篇", "打印本栏目", "当前位置", "翻页", "本站由 grassroots 生成"],
  en: ["Skip to content", "Site contents", "Close", "Search the site", "Search, e.g.", "Previous", "Print this section", "You are here", "Built with grassroots"],
};
// Body sentences from the unit texts (site/content/units/*.md).
const BODY = {
  zh: ["露珠", "脚上的黄泥", "倾听群众呼声"],
  en: ["Investigation and research is an important path"],
};
const UNITS = ["units/propaganda", "units/research", "units/letters-and-visits", "units/on-site-office"];

let b, srv;
before(async () => { b = await launch(); srv = await startServer(build("public"), "/"); });
after(async () => { await b?.close(); await srv?.close(); });

async function printToText(url, name) {
  const page = await b.newPage();
  const res = await page.goto(url);
  assert.equal(res.status(), 200);
  await page.emulateMedia({ media: "print" });
  const pdf = await page.pdf({ format: "A4", printBackground: false });
  await page.close();
  const file = path.join(ensureArtifacts(), name);
  fs.writeFileSync(file, pdf);
  const text = execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))[1]);
  // pdftotext -layout may put spaces between CJK glyphs; compare without them.
  return { text, flat: text.replace(/\s+/g, ""), pages };
}
const flat = (s) => s.replace(/\s+/g, "");

for (const lang of LANGS) {
  describe(lang.code, () => {
    test("the section's print page (units/print/) prints headings and text, no navigation", async () => {
      const { flat: t, pages } = await printToText(srv.base + lang.prefix + "units/print/", `print-units-${lang.code}.pdf`);
      assert.ok(pages >= 1 && pages <= 20, `page count ${pages} in 1..20`);
      assert.ok(t.includes(flat(contentTitle("units/_index" + lang.suffix))), "section title printed");
      for (const u of UNITS) assert.ok(t.includes(flat(contentTitle(u + lang.suffix))), `unit heading ${u} printed`);
      const subheads = lang.code === "zh" ? ["要义", "工作要求", "学习思考"] : ["Key points", "What is asked of cadres", "Questions for study and discussion"];
      for (const h of subheads) assert.ok(t.includes(flat(h)), `sub-heading ${h} printed`);
      for (const s of BODY[lang.code]) assert.ok(t.includes(flat(s)), `body text "${s}" printed`);
      for (const s of NAV_TEXT[lang.code]) assert.ok(!t.includes(flat(s)), `navigation text "${s}" is not printed`);
      // The toolbar's "Print" button and "← section" link are screen-only.
      assert.ok(!t.includes("←"), "print toolbar not printed");
      assertLocalOnly(assert, b);
    });

    test("the whole-site print page (print/) prints every page", async () => {
      const { flat: t, pages } = await printToText(srv.base + lang.prefix + "print/", `print-site-${lang.code}.pdf`);
      assert.ok(pages >= 1 && pages <= 20, `page count ${pages} in 1..20`);
      for (const f of [...UNITS, "about"]) assert.ok(t.includes(flat(contentTitle(f + lang.suffix))), `${f} printed`);
      for (const s of NAV_TEXT[lang.code]) assert.ok(!t.includes(flat(s)), `navigation text "${s}" is not printed`);
      assertLocalOnly(assert, b);
    });

    test("a unit page printed directly leaves out header, sidebar, search and pager", async () => {
      const { flat: t, pages } = await printToText(srv.base + lang.prefix + "units/research/", `print-page-${lang.code}.pdf`);
      assert.ok(pages >= 1 && pages <= 5, `page count ${pages}`);
      assert.ok(t.includes(flat(contentTitle("units/research" + lang.suffix))));
      assert.ok(t.includes(flat(BODY[lang.code][0])));
      for (const s of NAV_TEXT[lang.code]) assert.ok(!t.includes(flat(s)), `navigation text "${s}" is not printed`);
      // Sidebar entries of other pages (they appear in the body only as "related units" links, so check "about").
      assert.ok(!t.includes(flat(contentTitle("about" + lang.suffix))), "sidebar not printed");
      assertLocalOnly(assert, b);
    });
  });
}
