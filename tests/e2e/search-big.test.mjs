// The search box on a big site's index: head shards, deep records, and
// metadata and excerpt records read by HTTP Range requests. A generated
// site of 40 pages a language, built with GRASSROOTS_SEARCH_TIERS=1, gets
// those files without being big. Served by a static host that answers
// Range requests with 206, and opened from disk (file://, no ranges).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { REPO, assertLocalOnly, follow, h1, launch, startServer } from "./helpers.mjs";

const PAGES = 40;
/** Pages whose text has the common word: more than a head's 10 and a
 * search box's three screens of 5. */
const WITH_WORD = 30;

/** A site of PAGES pages a language; page i has the common word
 * (志愿者 / volunteer) i % 4 + 1 times if i < WITH_WORD. */
function makeSite(dir) {
  fs.mkdirSync(path.join(dir, "content", "lessons"), { recursive: true });
  const write = (rel, text) => fs.writeFileSync(path.join(dir, rel), text);
  write("config.toml", 'title = "大站测试"\ndescription = "大站索引测试"\ndefault_language = "zh"\n\n[search]\nenabled = true\n\n' +
    '[languages.en]\ntitle = "Big index test"\ndescription = "Big index test pages"\n');
  write("content/_index.md", '+++\ntitle = "大站测试"\n+++\n\n首页。\n');
  write("content/_index.en.md", '+++\ntitle = "Big index test"\n+++\n\nHome.\n');
  write("content/lessons/_index.md", '+++\ntitle = "课程"\n+++\n\n全部课程。\n');
  write("content/lessons/_index.en.md", '+++\ntitle = "Lessons"\n+++\n\nAll lessons.\n');
  for (let i = 0; i < PAGES; i++) {
    const n = String(i).padStart(2, "0");
    const zhWord = i < WITH_WORD ? "社区的志愿者帮助邻居。".repeat(i % 4 + 1) : "";
    const enWord = i < WITH_WORD ? "A volunteer helps the neighbours. ".repeat(i % 4 + 1) : "";
    write(`content/lessons/l${n}.md`, `+++\ntitle = "第${i}课 河流与森林"\nweight = ${i + 1}\n+++\n\n## 活动记录\n\n` +
      `${zhWord}学生们观察河流，记录第${i}次活动的天气与土壤。\n\n## 反思\n\n老师们讨论课程的目标与方法。\n`);
    write(`content/lessons/l${n}.en.md`, `+++\ntitle = "Lesson ${i}: rivers and forests"\nweight = ${i + 1}\n+++\n\n## Activity record\n\n` +
      `${enWord}Students watch the river and record the weather and the soil of activity ${i}.\n\n## Reflection\n\nTeachers discuss the aims and methods of the course.\n`);
  }
}

function buildSite(src, out, extra = []) {
  const bin = path.join(REPO, "target/release/grassroots");
  const r = spawnSync(bin, ["build", src, "--output", out, ...extra], {
    encoding: "utf8",
    env: { ...process.env, GRASSROOTS_SEARCH_TIERS: "1" },
  });
  if (r.status !== 0) throw new Error(`grassroots build failed:\n${r.stderr}`);
  return out;
}

let b, tmp, pub, offline;
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "grassroots-e2e-big-"));
  makeSite(path.join(tmp, "site"));
  pub = buildSite(path.join(tmp, "site"), path.join(tmp, "public"));
  offline = buildSite(path.join(tmp, "site"), path.join(tmp, "offline"), ["--offline"]);
  b = await launch();
});
after(async () => {
  await b?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Types `query`, waits for the first screen of results with excerpts,
 * then presses "more results" until `want` results show. */
async function searchAndMore(page, query, want) {
  await page.locator("#search-input").pressSequentially(query, { delay: 40 });
  const results = page.locator("#search-results a.search-result");
  await page.locator("#search-results .search-excerpt mark").first().waitFor();
  assert.equal(await results.count(), 5);
  while ((await results.count()) < want) {
    const shown = await results.count();
    await page.locator("#search-results button.search-more").click();
    await page.waitForFunction((n) => document.querySelectorAll("#search-results a.search-result").length > n, shown);
  }
  return results;
}

/** Titles of the shown results; each has an excerpt with the word marked. */
async function checkResults(results, word) {
  const titles = [];
  for (let i = 0; i < (await results.count()); i++) {
    const r = results.nth(i);
    titles.push((await r.locator(".search-title").innerText()).trim());
    assert.match(await r.locator(".search-excerpt mark").first().innerText(), word, `result ${i + 1}`);
  }
  assert.equal(new Set(titles).size, titles.length, "no result twice");
  return titles;
}

describe("a big site's index over HTTP with Range requests", () => {
  let srv;
  before(async () => { srv = await startServer(pub, "/"); });
  after(async () => { await srv?.close(); });

  for (const [lang, home, query, word] of [["zh", "", "志愿者", /志愿者/], ["en", "en/", "volunteer", /volunteer/i]]) {
    test(`${lang}: ${query}, three screens of results, read by range`, async () => {
      const page = await b.newPage();
      await page.goto(srv.base + home);
      const from = srv.log.length;
      const results = await searchAndMore(page, query, 15);
      const titles = await checkResults(results, word);
      // Pages with the word four times come first (titles are 第i课 / Lesson i).
      const number = (t) => Number(/(\d+)/.exec(t)[1]);
      assert.ok(titles.slice(0, 5).every((t) => number(t) % 4 === 3), titles.join(" | "));
      // What the client read: head shards whole, records by range (206),
      // deep records for the screens past the head's 10; never the full
      // postings, never a whole metadata, deep or excerpt file.
      const reads = srv.log.slice(from).filter((e) => e.path.includes(`/search/${lang}/`));
      const name = (e) => e.path.split("/").pop();
      const ranged = reads.filter((e) => e.range);
      assert.ok(ranged.length && ranged.every((e) => e.status === 206), JSON.stringify(ranged));
      for (const kind of ["m", "r", "d"]) assert.ok(ranged.some((e) => name(e).startsWith(kind + ".")), `${kind} by range: ${reads.map(name)}`);
      assert.ok(reads.some((e) => name(e).startsWith("h.") && !e.range));
      assert.ok(!reads.some((e) => name(e).startsWith("s.")), reads.map(name).join(" "));
      assert.ok(!reads.some((e) => /^[mrd]\./.test(name(e)) && !e.range), reads.map(name).join(" "));
      // The last result opens its page.
      const last = results.nth(14), title = (await last.locator(".search-title").innerText()).trim();
      await follow(page, () => last.click());
      assert.equal(await h1(page), title);
      await page.close();
      assertLocalOnly(assert, b);
    });
  }
});

test("a big site's index from disk (file://): whole files, the same results", async () => {
  const srv = await startServer(pub, "/");
  try {
    const titles = {};
    for (const [base, key] of [[srv.base, "http"], [pathToFileURL(offline).href + "/index.html", "file"]]) {
      const page = await b.newPage();
      await page.goto(base);
      titles[key] = await checkResults(await searchAndMore(page, "志愿者", 15), /志愿者/);
      await page.close();
    }
    assert.deepEqual(titles.file, titles.http);
  } finally {
    await srv.close();
  }
  assertLocalOnly(assert, b);
});
