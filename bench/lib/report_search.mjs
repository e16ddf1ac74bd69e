#!/usr/bin/env node
// Markdown report of bench/search.sh: node report_search.mjs META.json GRASSROOTS.json PAGEFIND.json
import { readFileSync } from "node:fs";

const [metaPath, grPath, pfPath] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(metaPath, "utf8"));
const gr = JSON.parse(readFileSync(grPath, "utf8"));
const pf = JSON.parse(readFileSync(pfPath, "utf8"));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kib = (b) => (b / 1024).toFixed(1) + " KiB";
const ms = (x) => (x >= 1000 ? (x / 1000).toFixed(2) + " s" : Math.round(x) + " ms");
const f3 = (x) => x.toFixed(3);

function stats(rows, lang, extraBytes) {
  const r = rows.filter((x) => x.lang === lang);
  const n = r.length;
  const bytes = r.map((x) => x.bytes + extraBytes);
  return {
    n,
    hit1: r.filter((x) => x.rank === 1).length / n,
    hit10: r.filter((x) => x.rank >= 1 && x.rank <= 10).length / n,
    mrr: r.reduce((s, x) => s + (x.rank ? 1 / x.rank : 0), 0) / n,
    mean: bytes.reduce((a, b) => a + b, 0) / n,
    max: Math.max(...bytes),
    files: r.reduce((s, x) => s + x.files.length, 0) / n,
  };
}

const langs = [...new Set(gr.map((x) => x.lang))];
const out = [];
const p = (s = "") => out.push(s);

p("# Search benchmark: grassroots vs Pagefind on the Rust book (zh + en)");
p();
p(
  `${meta.date} · grassroots ${meta.revision} · ${meta.cpus} CPUs · node ${meta.node} · ${meta.chromium} · Pagefind ${meta.pagefind} · ` +
    `queries: \`${meta.queries}\` · times are medians of ${meta.build_runs} builds and ${meta.runs} Pagefind runs · sites built on ${meta.tmp_fs} · load average (1/5/15 min) ${meta.load}`,
);
p();
p("## Ranking quality and bytes per cold query");
p();
p("A hit is the first result whose URL starts with the expected page's URL (`NAME/` for zh, `en/NAME/` for en). ");
p(
  `grassroots bytes = index files read by \`search-index/client/cli.mjs\` in a fresh process (entry, shards, result metadata) ` +
    `+ the client script \`${meta.gr_client_name}\` (${meta.gr_client_bytes} B). ` +
    "Pagefind bytes = response bodies a fresh headless Chromium context downloaded for `pagefind.search(q)` and `.data()` of the top 10 " +
    "(pagefind.js, worker, wasm, entry, meta, index chunks, fragments). Neither counts its UI script/CSS or the page itself.",
);
p();
p("| engine | lang | queries | hit@1 | hit@10 | MRR | bytes/query mean | bytes/query max | files/query mean |");
p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [name, rows, extra] of [
  ["grassroots", gr, meta.gr_client_bytes],
  ["Pagefind", pf, 0],
]) {
  for (const lang of langs) {
    const s = stats(rows, lang, extra);
    p(
      `| ${name} | ${lang} | ${s.n} | ${f3(s.hit1)} | ${f3(s.hit10)} | ${f3(s.mrr)} | ${kib(s.mean)} | ${kib(s.max)} | ${s.files.toFixed(1)} |`,
    );
  }
}
const grIdx = stats(gr, langs[0], 0);
p();
p(
  `grassroots index bytes alone (without the ${kib(meta.gr_client_bytes)} client): ` +
    langs
      .map((l) => {
        const s = stats(gr, l, 0);
        return `${l} mean ${kib(s.mean)}, max ${kib(s.max)}`;
      })
      .join("; ") +
    ".",
);
void grIdx;
p();
p("## Index size and build time");
p();
const bMed = median(meta.build_ms);
const iMed = median(meta.index_ms);
const pfMed = median(meta.pagefind_ms);
const share = 100 * median(meta.index_ms.map((x, i) => x / meta.build_ms[i]));
p("| | grassroots | Pagefind |");
p("| --- | ---: | ---: |");
p(
  `| index on disk | ${kib(meta.gr_index_bytes)} in ${meta.gr_index_files} files (\`public/search/\`) | ` +
    `${kib(meta.pf_bytes)} in ${meta.pf_files} files (${kib(meta.pf_bytes - meta.pf_ui_bytes)} in ${meta.pf_files - meta.pf_ui_files} without its ${meta.pf_ui_files} UI files) |`,
);
p(`| client script | ${kib(meta.gr_client_bytes)} (\`${meta.gr_client_name}\`) | included above (pagefind.js, worker, wasm) |`);
p(
  `| time | whole site build ${ms(bMed)}, of which index ${ms(iMed)} (${share.toFixed(0)} %) | ` +
    `${ms(pfMed)} on top of the built HTML (${meta.pagefind_pages} pages; languages ${meta.pagefind_langs}) |`,
);
p();
const nsMed = median(meta.nosearch_ms);
p(
  `Medians of ${meta.build_runs} builds: the whole process ${ms(bMed)}; its stages load ${ms(median(meta.load_ms))}, ` +
    `render ${ms(median(meta.render_ms))}, index ${ms(iMed)}, write ${ms(median(meta.write_ms))}. ` +
    `The index share is the median over the builds of index / whole build. ` +
    `The same site with \`[search] enabled = false\`, built after each of those builds, takes ${ms(nsMed)}, ` +
    `so search adds ${ms(bMed - nsMed)} (${((100 * (bMed - nsMed)) / bMed).toFixed(0)} % of the build with search). ` +
    `The write stage (files created on disk) varies most from run to run on this machine.`,
);
p();
p(`grassroots builds (ms): ${meta.build_ms.join(", ")}; index stage (ms): ${meta.index_ms.join(", ")}; write stage (ms): ${meta.write_ms.join(", ")}; builds without search (ms): ${meta.nosearch_ms.join(", ")}; Pagefind runs (ms): ${meta.pagefind_ms.join(", ")}.`);
p(`Last build summary: \`${meta.summary}\``);
p();
p("## Per query");
p();
p("Rank 0 = not in the top 10. Bytes include each engine's client as above.");
p();
p("| lang | query | expected | grassroots rank | grassroots top result | grassroots bytes | Pagefind rank | Pagefind top result | Pagefind bytes |");
p("| --- | --- | --- | ---: | --- | ---: | ---: | --- | ---: |");
for (let i = 0; i < gr.length; i++) {
  const g = gr[i];
  const q = pf.find((x) => x.lang === g.lang && x.query === g.query) || { rank: "?", top: [], bytes: NaN };
  p(
    `| ${g.lang} | ${g.query} | ${g.expected.replace(/\.md$/, "")} | ${g.rank} | ${g.top[0] || "–"} | ${g.bytes + meta.gr_client_bytes} | ` +
      `${q.rank} | ${q.top[0] || "–"} | ${q.bytes} |`,
  );
}
const errors = gr.filter((x) => x.error);
if (errors.length) {
  p();
  p(`**grassroots CLI errors (${errors.length}):** ` + [...new Set(errors.map((x) => x.error))].join("; "));
}
process.stdout.write(out.join("\n") + "\n");
