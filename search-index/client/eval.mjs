#!/usr/bin/env node
// Ranking quality on a query set: node eval.mjs PUBLIC_DIR QUERIES.tsv [-v]
// TSV: lang<TAB>query<TAB>expected_file (header row). A hit is a result whose
// URL starts with the expected file's name without ".md" (the eval_trpl
// example's URLs). Each query runs the CLI in a fresh process (cold cache),
// so bytes are those of a first query.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [publicDir, tsv] = process.argv.slice(2);
const verbose = process.argv.includes("-v");
const rows = readFileSync(tsv, "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
const stats = {};
for (const [lang, query, expected] of rows) {
  const out = JSON.parse(execFileSync("node", [join(here, "cli.mjs"), publicDir, lang, query], { encoding: "utf8" }));
  const want = expected.replace(/\.md$/, "");
  const rank = out.results.findIndex((r) => r.url.split(/[/#]/)[0] === want) + 1;
  const s = (stats[lang] ??= { n: 0, hit1: 0, hit10: 0, rr: 0, bytes: 0, maxBytes: 0, first: 0, maxFirst: 0 });
  s.n++;
  if (rank === 1) s.hit1++;
  if (rank >= 1 && rank <= 10) s.hit10++;
  if (rank) s.rr += 1 / rank;
  s.bytes += out.bytes;
  s.maxBytes = Math.max(s.maxBytes, out.bytes);
  s.first += out.bytes_first_screen;
  s.maxFirst = Math.max(s.maxFirst, out.bytes_first_screen);
  if (verbose || rank !== 1)
    console.log(`${lang}\t${query}\trank ${rank || "-"}\t${out.bytes} B\t${out.results.slice(0, 3).map((r) => r.url).join("  ")}`);
}
for (const [lang, s] of Object.entries(stats)) {
  console.log(
    `${lang}: n=${s.n} hit@1=${(s.hit1 / s.n).toFixed(3)} hit@10=${(s.hit10 / s.n).toFixed(3)} MRR=${(s.rr / s.n).toFixed(3)} ` +
      `mean bytes=${Math.round(s.bytes / s.n)} max bytes=${s.maxBytes} ` +
      `first screen mean=${Math.round(s.first / s.n)} max=${s.maxFirst} (index files only, without search.js)`,
  );
}
