// node --test search-index/client/test/
// (a) The JS tokenizer agrees with the Rust one over the corpus text.
// (b) The CLI over a fixture index built by the Rust crate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, cpSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const crateDir = join(here, "..", "..");
const cli = join(here, "..", "cli.mjs");
const GS = createRequire(import.meta.url)(join(here, "..", "search.js"));
const tmp = mkdtempSync(join(tmpdir(), "gs-test-"));

function cargoExample(name, args, env = {}) {
  return execFileSync("cargo", ["run", "-q", "-p", "grassroots-search", "--example", name, "--", ...args], {
    cwd: crateDir,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env },
  });
}

const TRICKY = [
  "mixed 中文English混排，Rust的trait和crate",
  "全角ＡＢＣ１２３，　全角空格；ｈｅｌｌｏ　ｗｏｒｌｄ！",
  "punctuation: don't, it's; e.g. «quotes» — “curly” ‘single’ ... (parens) [brackets]",
  "code spans `let x = vec![1, 2];` and read_to_string() std::io::Result<T>",
  "数字3.14和第2章、HTTP/1.1请求、UTF-8编码",
  "Stemming: running runner ran easily fairly generously generate communism arsenal skies dying news",
  "İstanbul ΣΊΣΥΦΟΣ straße ǅungla café naïve ﬁ ligature ① ² ½",
  "日本語のテキスト カタカナ ひらがな 한국어 텍스트",
  "emoji 😀 and 𠀀𠀁 extension B, 々 〇",
  "a".repeat(60) + " " + "x".repeat(45) + "ing",
  "",
  "   \t  ",
];

// The Rust book corpus sits in shared/ beside the repository (on CI too);
// GRASSROOTS_CORPUS overrides. The portal's own content is always added.
const repoRoot = join(here, "..", "..", "..");
const CORPUS = [process.env.GRASSROOTS_CORPUS, join(repoRoot, "..", "shared", "corpus", "trpl"), "/work/shared/corpus/trpl"]
  .filter(Boolean)
  .find((d) => existsSync(join(d, "zh")));

function markdownFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...markdownFiles(join(dir, e.name)));
    else if (e.name.endsWith(".md")) out.push(join(dir, e.name));
  }
  return out;
}

function corpusLines() {
  const lines = new Set(TRICKY);
  const files = markdownFiles(join(repoRoot, "site", "content"));
  if (CORPUS) for (const lang of ["zh", "en"]) files.push(...markdownFiles(join(CORPUS, lang)));
  else console.log("# the Rust book corpus was not found; comparing over the portal's content only");
  for (const f of files) for (const l of readFileSync(f, "utf8").split("\n")) lines.add(l);
  // every distinct word of the corpus, once, plus the lines themselves
  const words = new Set();
  for (const l of lines) for (const w of l.split(/\s+/)) words.add(w);
  return [...lines, ...words].filter((l) => !l.includes("\r"));
}

test("JS tokenizer matches Rust tokenizer over the corpus vocabulary", () => {
  const lines = corpusLines();
  const file = join(tmp, "lines.txt");
  writeFileSync(file, lines.join("\n"));
  const rust = JSON.parse(cargoExample("tokenize", [file, "zh", "en", "fr"]));
  let checked = 0;
  const mismatches = [];
  for (const [lang, line, tokens] of rust) {
    const js = GS.tokenize(line, lang !== "fr").map((t) => [t.term, t.pos]);
    checked++;
    if (JSON.stringify(js) !== JSON.stringify(tokens)) mismatches.push({ lang, line, rust: tokens, js });
  }
  assert.ok(checked > 100, "corpus lines were tokenized");
  assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} of ${checked} lines differ`);
});

test("query tokens: CJK runs become bigrams, lone character is a prefix", () => {
  assert.deepEqual(GS.parseQuery("猜数字", true).map((t) => t.term), ["猜数", "数字"]);
  const one = GS.parseQuery("锁", true);
  assert.deepEqual(one[0].prefixes, ["锁"]);
  const last = GS.parseQuery("HTTP 请求 educat", true);
  assert.deepEqual(last.map((t) => t.term), ["http", "请求", "educat"]);
  assert.deepEqual(last[2].prefixes, ["educat"]);
  assert.deepEqual(GS.parseQuery("educat ", true)[0].prefixes, []);
});

// ------------------------------------------------------------- fixture
const site = join(tmp, "site");
cargoExample("build_fixture", [site]);

function run(lang, query, dir = site, extra = []) {
  const r = spawnSync("node", [cli, dir, lang, query, ...extra], { encoding: "utf8" });
  const out = JSON.parse(r.stdout);
  return { ...out, status: r.status };
}

test("a Chinese query finds the Chinese page and deep-links to the heading", () => {
  const out = run("zh", "信访接待");
  assert.equal(out.status, 0);
  assert.equal(out.results[0].url, "units/propaganda/#信访接待下基层");
  assert.equal(out.results[0].title, "宣传党的路线方针政策下基层");
  assert.ok(out.bytes > 0 && out.files.length >= 3);
});

test("Chinese query with a Latin word", () => {
  const out = run("zh", "HTTP 请求");
  assert.equal(out.results[0].url, "units/propaganda/#调查研究");
  assert.match(out.results[0].excerpt, /<mark>HTTP请求<\/mark>/);
});

test("full-width query text matches half-width index text", () => {
  const out = run("zh", "ＡＢＣ");
  assert.equal(out.results[0].url, "units/study/#工作方法");
});

test("stemming: educating finds education, prefix of the last word too", () => {
  for (const q of ["educating", "educat", "Educ", "EDUCATION"]) {
    const out = run("en", q);
    assert.equal(out.results[0]?.url, "units/education/", q);
    assert.match(out.results[0].excerpt, /<mark>education<\/mark>/i, q);
  }
});

test("single English word", () => {
  assert.equal(run("en", "clippy").results[0].url, "units/petitions/#open-days");
});

test("offline copy links end in index.html", () => {
  const out = run("en", "petitions", site, ["--offline"]);
  assert.equal(out.results[0].url, "units/petitions/index.html#open-days");
  const home = run("en", "welcome", site, ["--offline"]);
  assert.equal(home.results[0].url, "index.html");
});

test("HTML in a query or in the text is escaped", () => {
  const out = run("en", "<script>alert(1)</script>");
  assert.equal(out.status, 0);
  for (const r of out.results) {
    assert.ok(!/<script/i.test(r.excerpt), r.excerpt);
    assert.ok(!/<(?!\/?mark>)/.test(r.excerpt), r.excerpt);
  }
  assert.match(out.results[0].excerpt, /&lt;<mark>script<\/mark>&gt;/);
});

test("empty or whitespace query returns nothing and reads nothing", () => {
  for (const q of ["", "   ", "\t\n", "，。！", "..."]) {
    const t0 = Date.now();
    const out = run("zh", q);
    assert.deepEqual(out.results, [], q);
    assert.ok(Date.now() - t0 < 2000);
  }
  assert.equal(run("en", "   ").bytes, 0);
});

test("unknown words return no results, not an error", () => {
  const out = run("en", "zzzyqx");
  assert.equal(out.status, 0);
  assert.deepEqual(out.results, []);
});

function damaged(mutate) {
  const dir = join(tmp, "damaged-" + Math.random().toString(36).slice(2));
  cpSync(site, dir, { recursive: true });
  const sdir = join(dir, "search", "zh");
  for (const f of readdirSync(sdir).filter((n) => n.startsWith("s."))) {
    const p = join(sdir, f);
    writeFileSync(p, mutate(readFileSync(p, "utf8")));
  }
  return dir;
}

test("a truncated shard gives a clear error, not a crash", () => {
  const dir = damaged((s) => s.slice(0, Math.floor(s.length / 2)));
  const out = run("zh", "信访", dir);
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged/);
});

test("a shard with damaged data fails its checksum", () => {
  const dir = damaged((s) => {
    const at = s.indexOf('","') + 3 + 24; // inside the base64 payload, past the header
    return s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
  });
  const out = run("zh", "信访", dir);
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged|checksum/);
});

test("decodeShard rejects garbage", () => {
  assert.throws(() => GS.decodeShard("x", "!!!"), /damaged/);
  assert.throws(() => GS.decodeShard("x", btoa("GS2\0\0\0\0\x05")), /damaged|checksum/);
  assert.throws(() => GS.decodeShard("x", null), /damaged/);
});

// ------------------------------------------- big-site files (head shards, metadata)
const tiered = join(tmp, "tiered");
cargoExample("build_fixture", [tiered, "--tiers"]);

test("a tiered index has head shards and metadata bundles", () => {
  const names = readdirSync(join(tiered, "search", "zh"));
  assert.ok(names.some((n) => n.startsWith("h.")), names.join(" "));
  assert.ok(names.some((n) => n.startsWith("m.")), names.join(" "));
  assert.ok(!readdirSync(join(site, "search", "zh")).some((n) => /^[hm]\./.test(n)));
});

test("a tiered index gives the same results as a plain one", () => {
  const queries = [["zh", "信访接待"], ["zh", "HTTP 请求"], ["zh", "ＡＢＣ"], ["zh", "信访"], ["zh", "学"],
    ["en", "educat"], ["en", "clippy"], ["en", "petitions"], ["en", "welcome"], ["en", "zzzyqx"]];
  for (const [lang, q] of queries) {
    const a = run(lang, q), b = run(lang, q, tiered);
    assert.equal(b.status, 0, q);
    assert.deepEqual(b.results, a.results, q);
  }
});

/** Bytes the CLI counts for one entry of its "files": a whole file, or
 * the range after "#bytes=". */
function readBytes(dir, f) {
  const m = /#bytes=(\d+)-(\d+)$/.exec(f);
  return m ? Number(m[2]) - Number(m[1]) + 1 : readFileSync(join(dir, f)).length;
}

test("one-word first screen reads head shards and metadata, not full shards or result bundles", () => {
  const out = run("zh", "信访");
  const t = run("zh", "信访", tiered);
  assert.ok(t.results.length > 0);
  const first = [];
  let acc = 0;
  for (const f of t.files) {
    if (acc >= t.bytes_first_screen) break;
    acc += readBytes(tiered, f);
    first.push(f.split("/").pop());
  }
  assert.ok(first.every((n) => /^(entry\.|h\.|m\.[0-9a-f]+\.js#bytes=)/.test(n)), first.join(" "));
  assert.ok(t.bytes_first_excerpts > t.bytes_first_screen);
  assert.equal(out.bytes_first_excerpts, out.bytes_first_screen);
});

test("preview rows are the first screen of results, without excerpts", async () => {
  const { openSite } = await import(cli);
  const { index } = openSite(tiered, "en");
  const rows = await index.preview("petitions", { limit: 5 });
  assert.ok(rows.length > 0 && rows[0].preview);
  assert.equal(rows[0].excerpt, "");
  assert.ok(rows.total >= rows.length);
  const full = await index.results("petitions", { limit: 5 });
  assert.deepEqual(rows.map((r) => r.url), full.map((r) => r.url.split("#")[0]));
});

function damagedTiered(prefix, mutate) {
  const dir = join(tmp, "damaged-" + Math.random().toString(36).slice(2));
  cpSync(tiered, dir, { recursive: true });
  const sdir = join(dir, "search", "zh");
  for (const f of readdirSync(sdir).filter((n) => n.startsWith(prefix))) {
    const p = join(sdir, f);
    writeFileSync(p, mutate(readFileSync(p, "utf8")));
  }
  return dir;
}

test("a truncated or damaged head shard gives a clear error", () => {
  let out = run("zh", "信访", damagedTiered("h.", (s) => s.slice(0, Math.floor(s.length / 2))));
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged/);
  out = run("zh", "信访", damagedTiered("h.", (s) => {
    const at = s.indexOf('","') + 3 + 24;
    return s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
  }));
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged|checksum/);
});

test("a damaged metadata bundle gives a clear error", () => {
  let out = run("zh", "信访", damagedTiered("m.", (s) => s.slice(0, Math.floor(s.length / 2))));
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged/);
  out = run("zh", "信访", damagedTiered("m.", (s) => s.replace(/\("([^"]+)",.*\);/s, '("$1","eJyLjgUAARUAuQ==");')));
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged|missing/);
});

test("the shipped client (minified by build.rs) gives the same results", () => {
  const shipped = readFileSync(join(site, "assets", "search.js"), "utf8");
  assert.ok(shipped.length < readFileSync(join(here, "..", "search.js"), "utf8").length * 0.85);
  const dir = join(tmp, "shipped-cli");
  cpSync(cli, join(dir, "cli.mjs"));
  writeFileSync(join(dir, "search.js"), shipped);
  for (const [lang, q, s] of [["zh", "信访接待", site], ["zh", "学", tiered], ["en", "educat", site], ["en", "petitions", tiered]]) {
    const r = spawnSync("node", [join(dir, "cli.mjs"), s, lang, q], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(spawnSync("node", [cli, s, lang, q], { encoding: "utf8" }).stdout), q);
  }
});

// ------------------------------------------- ranking many documents
// 400 pages cut from the portal's text: common words match hundreds, so
// rank() selects its first k of many (a heap, not a sort of all).
const many = join(tmp, "many");
for (const lang of ["zh", "en"]) cargoExample("scale", [join(repoRoot, "site", "content"), lang, "400", many]);

test("the first k hits are the top k of the whole ranking (score, then document)", async () => {
  const { openSite } = await import(cli);
  // Rankings on other indexes first: the optimizing compiler then sees a
  // fresh index's first ranking (which decodes its postings) in a state
  // where, with the ranking's arrays read by closures, it once missed
  // heading hits (see positionsIn() in search.js).
  const others = [[site, "zh", "信访接待"], [site, "en", "educat"], [tiered, "zh", "学"], [tiered, "en", "petitions"],
    [site, "zh", "HTTP 请求"], [tiered, "zh", "信访"]];
  for (const [dir, lang, q] of others) for (let i = 0; i < 3; i++) await openSite(dir, lang).index.results(q, { limit: 10 });
  const queries = [["zh", "工作"], ["zh", "基层组织"], ["zh", "党"], ["en", "the"], ["en", "work"], ["en", "party members"]];
  for (const [lang, q] of [...queries, ...queries, ...queries]) {
    const { index } = openSite(many, lang);
    const entry = await index.ready();
    const shards = await Promise.all(entry.shards.map((_, i) => index.shard(i, "shards")));
    const toks = GS.parseQuery(q, entry.stem);
    const key = (hits) => hits.map((h) => [h.doc, h.score, h.block, [...h.terms]]);
    const all = index.rank(entry, toks, shards, 100000);
    assert.deepEqual(key(index.rank(entry, toks, shards, 100000)), key(all), `${q}: first and second ranking`);
    assert.ok(all.length > 40, `${q}: ${all.length} hits`);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      assert.ok(a.score > b.score || (a.score === b.score && a.doc < b.doc), `${q}: order at ${i}`);
    }
    for (const k of [1, 2, 5, 10, 37, all.length - 1]) {
      const top = index.rank(entry, toks, shards, k);
      assert.deepEqual(key(top), key(all.slice(0, k)), `${q}, first ${k}`);
      assert.equal(top.total, all.total, q);
    }
  }
});

// ------------------------------------------- deep records
// The same 400 pages with the big-site files: common words are in far more
// than the head's 10 pages, so queries past the head read deep records.
const manyTiered = join(tmp, "many-tiered");
for (const lang of ["zh", "en"]) cargoExample("scale", [join(repoRoot, "site", "content"), lang, "400", manyTiered], { GRASSROOTS_TIERS: "1" });

const kinds = (out) => new Set(out.files.map((f) => f.split("/").pop().split(".")[0]));

test("one word past the head's results reads its deep record, not its full postings, and ranks as the full index", () => {
  for (const [lang, q] of [["zh", "工作"], ["zh", "基层"], ["zh", "党员"], ["en", "work"]]) {
    for (const limit of ["20", "50"]) {
      const plain = run(lang, q, many, ["--limit", limit]), t = run(lang, q, manyTiered, ["--limit", limit]);
      assert.equal(t.status, 0, q);
      assert.ok(t.results.length > 10, `${q}: ${t.results.length}`);
      assert.deepEqual(t.results, plain.results, `${q}, ${limit}`);
      const k = kinds(t);
      assert.ok(k.has("d") && !k.has("p"), `${q}, ${limit}: ${t.files.join(" ")}`);
      assert.ok(t.files.some((f) => /\/d\.[0-9a-f]+\.js#bytes=/.test(f)), t.files.join(" "));
    }
  }
});

test("a word of several bigrams ranks from deep records when they prove its results", () => {
  // Three bigrams each, in far more than 10 pages; the heads prove fewer
  // than `limit` results. (Not every such word: 群众工作's 工作 is in so
  // many pages that its best 50 miss the pages of the phrase, and it reads
  // the full shards.)
  for (const [q, limit] of [["基层组织", "10"], ["党员干部", "5"], ["人民群众", "10"], ["领导干部", "10"]]) {
    const plain = run("zh", q, many, ["--limit", limit]), t = run("zh", q, manyTiered, ["--limit", limit]);
    assert.equal(t.status, 0, q);
    assert.equal(t.results.length, Number(limit), q);
    assert.deepEqual(t.results, plain.results, `${q}, ${limit}`);
    const k = kinds(t);
    assert.ok(k.has("d") && !k.has("p"), `${q}, ${limit}: ${t.files.join(" ")}`);
  }
});

test("other queries read their terms' full postings as records, and rank as the full index", () => {
  // A tiered index has no term shards.
  assert.ok(!readdirSync(join(manyTiered, "search", "zh")).some((n) => n.startsWith("s.")));
  // Several words, and words whose first results the heads and deep
  // records do not prove (群众工作, 调查研究). (One token still ranks from
  // its head and deep record: see the test above, and README on words
  // being typed.)
  const queries = [["zh", "基层 组织"], ["zh", "群众工作"], ["zh", "调查研究"], ["zh", "基层 党员 工作"],
    ["en", "party members"], ["en", "the work"], ["en", "working people"], ["en", "rural community service"]];
  let full = 0;
  for (const [lang, q] of queries) {
    for (const limit of ["10", "50"]) {
      const plain = run(lang, q, many, ["--limit", limit]), t = run(lang, q, manyTiered, ["--limit", limit]);
      assert.equal(t.status, 0, q);
      assert.deepEqual(t.results, plain.results, `${q}, ${limit}`);
      // Full postings come as records by range, never whole files.
      assert.ok(!t.files.some((f) => /\/[pd]\.[0-9a-f]+\.js$/.test(f)), t.files.join(" "));
      full += t.files.some((f) => /\/p\.[0-9a-f]+\.js#bytes=/.test(f)) ? 1 : 0;
    }
  }
  assert.ok(full >= queries.length, `${full} of ${queries.length * 2} read full records`);
});

test("a damaged full postings record gives a clear error", () => {
  const good = run("zh", "群众工作", manyTiered);
  const [, a, b] = /#bytes=(\d+)-(\d+)$/.exec(good.files.find((f) => /\/p\.[0-9a-f]+\.js#bytes=/.test(f)));
  const mid = (Number(a) + Number(b)) >> 1;
  const dir = join(tmp, "damaged-full-" + Math.random().toString(36).slice(2));
  cpSync(manyTiered, dir, { recursive: true });
  const sdir = join(dir, "search", "zh");
  for (const f of readdirSync(sdir).filter((n) => n.startsWith("p."))) {
    const text = readFileSync(join(sdir, f), "utf8");
    writeFileSync(join(sdir, f), text.slice(0, mid) + (text[mid] === "A" ? "B" : "A") + text.slice(mid + 1));
  }
  const out = run("zh", "群众工作", dir);
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged|checksum/);
});

test("a damaged deep record gives a clear error", () => {
  const good = run("zh", "工作", manyTiered, ["--limit", "20"]);
  const [, a, b] = /#bytes=(\d+)-(\d+)$/.exec(good.files.find((f) => /\/d\.[0-9a-f]+\.js#bytes=/.test(f)));
  const damage = (mutate) => {
    const dir = join(tmp, "damaged-deep-" + Math.random().toString(36).slice(2));
    cpSync(manyTiered, dir, { recursive: true });
    const sdir = join(dir, "search", "zh");
    for (const f of readdirSync(sdir).filter((n) => n.startsWith("d."))) writeFileSync(join(sdir, f), mutate(readFileSync(join(sdir, f), "utf8")));
    return dir;
  };
  const mid = (Number(a) + Number(b)) >> 1;
  for (const dir of [
    damage((s) => s.slice(0, mid) + (s[mid] === "A" ? "B" : "A") + s.slice(mid + 1)),
    damage((s) => s.slice(0, Number(a) + 8)),
  ]) {
    const out = run("zh", "工作", dir, ["--limit", "20"]);
    assert.equal(out.status, 1);
    assert.match(out.error, /damaged|checksum/);
  }
});

// ------------------------------------------- excerpt records by byte range
test("a tiered index reads each excerpt and its metadata as byte ranges", () => {
  const t = run("zh", "信访", tiered);
  assert.equal(t.status, 0);
  const ranges = t.files.filter((f) => /\/r\.[0-9a-f]+\.js#bytes=\d+-\d+$/.test(f));
  assert.equal(ranges.length, t.results.length);
  assert.ok(t.files.some((f) => /\/m\.[0-9a-f]+\.js#bytes=\d+-\d+$/.test(f)), t.files.join(" "));
  assert.ok(!t.files.some((f) => /\/[rmd]\.[0-9a-f]+\.js$/.test(f)), t.files.join(" "));
  // Only the ranges' bytes are counted.
  assert.equal(t.bytes, t.files.reduce((a, f) => a + readBytes(tiered, f), 0));
});

/** A fresh client (its own registry of loaded files). */
function freshClient() {
  const path = join(here, "..", "search.js");
  const req = createRequire(import.meta.url);
  delete req.cache[req.resolve(path)];
  return req(path);
}

function openTiered(GS, lang, range) {
  const dir = join(tiered, "search", lang);
  const entry = readdirSync(dir).find((n) => n.startsWith("entry."));
  const loaded = [];
  const load = async (name) => {
    loaded.push(name);
    new Function("GrassrootsSearch", readFileSync(join(dir, name), "utf8"))(GS);
  };
  return { index: GS.open({ entry, load, range }), loaded, dir };
}

test("excerpts: HTTP 206, HTTP 200 (Range ignored) and no fetch give the same results", async () => {
  const want = run("zh", "信访", tiered).results;
  const strip = (rs) => rs.map((r) => ({ url: r.url, title: r.title, excerpt: r.excerpt, section: r.section }));
  const realFetch = globalThis.fetch;
  const dir = join(tiered, "search", "zh");
  const requests = [];
  try {
    for (const mode of ["206", "200", "gzip"]) {
      const GS = freshClient();
      globalThis.fetch = async (url, init) => {
        const name = new URL(url).pathname.split("/").pop(), body = readFileSync(join(dir, name));
        const m = /^bytes=(\d+)-(\d+)$/.exec(init.headers.Range);
        requests.push([mode, name, init.headers.Range]);
        if (mode === "200") return new Response(body, { status: 200 });
        const [a, b] = [Number(m[1]), Number(m[2])];
        const headers = { "Content-Range": `bytes ${a}-${b}/${body.length}` };
        if (mode === "gzip") headers["Content-Encoding"] = "gzip";
        return new Response(body.subarray(a, b + 1), { status: 206, headers });
      };
      const { index, loaded } = openTiered(GS, "zh", GS.fetchRange("http://example.test/search/zh/"));
      const before = requests.length;
      assert.deepEqual(strip(await index.results("信访", { limit: 5 })), want, mode);
      // 206: no whole metadata or result file. A server that ignores
      // Range, or compresses the range: one request, then whole files.
      const asked = requests.length - before, whole = loaded.filter((n) => /^[mr]\./.test(n));
      if (mode === "206") assert.ok(asked > 1 && !whole.length, `${mode}: ${loaded}`);
      else assert.ok(asked === 1 && whole.length, `${mode}: ${asked} requests, ${loaded}`);
    }
    assert.ok(requests.every(([, n, r]) => /^[mr]\./.test(n) && /^bytes=\d+-\d+$/.test(r)));
    // No range reader (file://): whole files by <script>.
    const GS = freshClient();
    const { index, loaded } = openTiered(GS, "zh", null);
    assert.deepEqual(strip(await index.results("信访", { limit: 5 })), want);
    assert.ok(loaded.some((n) => n.startsWith("r.")));
  } finally {
    globalThis.fetch = realFetch;
  }
});

test("a truncated result file or a damaged excerpt record gives a clear error", () => {
  const good = run("zh", "现场办公", tiered);
  assert.equal(good.status, 0);
  const [, a, b] = /#bytes=(\d+)-(\d+)$/.exec(good.files.find((f) => /\/r\.[0-9a-f]+\.js#bytes=/.test(f)));
  // Truncated before the record's end.
  let out = run("zh", "现场办公", damagedTiered("r.", (s) => s.slice(0, Number(a) + 8)));
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged/);
  // One character of the record changed.
  const mid = (Number(a) + Number(b)) >> 1;
  out = run("zh", "现场办公", damagedTiered("r.", (s) => s.slice(0, mid) + (s[mid] === "A" ? "B" : "A") + s.slice(mid + 1)));
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged/);
  // Not base64 at all.
  out = run("zh", "现场办公", damagedTiered("r.", (s) => s.slice(0, Number(a)) + "!".repeat(Number(b) - Number(a) + 1) + s.slice(Number(b) + 1)));
  assert.equal(out.status, 1);
  assert.match(out.error, /damaged/);
});
