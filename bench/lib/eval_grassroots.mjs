#!/usr/bin/env node
// grassroots search ranking quality and bytes read per cold query.
//   node eval_grassroots.mjs CLI_MJS PUBLIC_DIR QUERIES.tsv OUT.json
// Each query runs `node CLI_MJS PUBLIC_DIR LANG QUERY` in a fresh process (cold:
// nothing cached), so "bytes" is what a first query in a fresh tab reads from
// the index (entry + shards + result metadata); the client script is added by
// the report. A hit is the first result whose url starts with the expected
// page's URL: "NAME/" for zh (the default language, at the root), "en/NAME/".
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const [cli, publicDir, tsv, outJson] = process.argv.slice(2);
if (!outJson) {
  console.error("usage: eval_grassroots.mjs CLI_MJS PUBLIC_DIR QUERIES.tsv OUT.json");
  process.exit(2);
}
const rows = readFileSync(tsv, "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
const out = [];
for (const [lang, query, expected] of rows) {
  let res;
  const t0 = process.hrtime.bigint();
  try {
    res = JSON.parse(execFileSync("node", [cli, publicDir, lang, query, "--limit", "10"], { encoding: "utf8" }));
  } catch (e) {
    // The CLI exits 1 with a JSON object carrying "error" on a damaged index.
    const text = e.stdout || "";
    res = text ? JSON.parse(text) : { results: [], bytes: 0, files: [], error: String(e.message || e) };
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.error) console.error(`grassroots CLI error for ${lang} "${query}": ${res.error}`);
  const stem = expected.replace(/\.md$/, "");
  const want = lang === "zh" ? `${stem}/` : `${lang}/${stem}/`;
  const urls = res.results.map((r) => r.url);
  const rank = urls.findIndex((u) => u.startsWith(want)) + 1;
  out.push({ lang, query, expected, rank, bytes: res.bytes, files: res.files, top: urls.slice(0, 3), ms, error: res.error });
}
writeFileSync(outJson, JSON.stringify(out, null, 1));
