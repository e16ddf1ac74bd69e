#!/usr/bin/env node
// Bytes and time of one-word queries on a built index (the scale check of
// bench/search.sh --scale).
//   node search-index/client/scale.mjs PUBLIC_DIR LANG QUERY...
// Prints one JSON object per query and line:
//   {"query", "hits", "bytes_first_screen", "bytes_first_excerpts", "bytes",
//    "files_first_screen", "files", "ms_median", "ms_max", "ms50_median",
//    "ms_decoded_median", "ms50_decoded_median"}
// Bytes come from cli.mjs run in a fresh process (a cold query, as the
// search box makes it). Times are of ranking only (Index.search) once the
// query's shards are loaded, median and max of RUNS (20) runs in one
// process: "ms_median"/"ms_max" for the first screen (limit 5, as ui.js
// asks; head shards on a big site), "ms50_median" for 50 hits (the full
// shards: what "more" past the head's hits ranks). The client decodes a
// term's postings the first time a query needs them and keeps them:
// "ms_decoded_median"/"ms50_decoded_median" time the same rankings with
// the postings decoded again each run (the loaded files are kept).
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { openSite } from "./cli.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.RUNS) || 20;

async function main([publicDir, lang, ...queries]) {
  if (!publicDir || !lang || !queries.length) {
    process.stderr.write("usage: scale.mjs PUBLIC_DIR LANG QUERY...\n");
    process.exit(2);
  }
  const site = openSite(publicDir, lang);
  for (const q of queries) {
    const cold = JSON.parse(
      execFileSync(process.execPath, [join(here, "cli.mjs"), publicDir, lang, q, "--limit", "10"], { encoding: "utf8" }),
    );
    if (cold.error) throw new Error(`${q}: ${cold.error}`);
    const timed = async (limit, decode) => {
      const hits = await site.index.search(q, { limit }); // loads the shards
      const times = [];
      for (let i = 0; i < RUNS; i++) {
        site.index.hitCache = null; // rank again
        if (decode) await forgetPostings(site.index);
        const t0 = process.hrtime.bigint();
        await site.index.search(q, { limit });
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      return { hits, times };
    };
    const round = (ms) => Math.round(ms * 100) / 100;
    const { times } = await timed(5);
    const { hits, times: times50 } = await timed(50);
    const { times: decoded } = await timed(5, true);
    const { times: decoded50 } = await timed(50, true);
    // Files of the first screen: the cold CLI reads them first.
    let n = 0, acc = 0;
    for (const f of cold.files) {
      if (acc >= cold.bytes_first_screen) break;
      acc += fileBytes(publicDir, f);
      n++;
    }
    process.stdout.write(
      JSON.stringify({
        query: q,
        hits: hits.total ?? hits.length,
        bytes_first_screen: cold.bytes_first_screen,
        bytes_first_excerpts: cold.bytes_first_excerpts ?? cold.bytes_first_screen,
        bytes: cold.bytes,
        files_first_screen: n,
        files: cold.files.length,
        ms_median: round(times[times.length >> 1]),
        ms_max: round(times[times.length - 1]),
        ms50_median: round(times50[times50.length >> 1]),
        ms_decoded_median: round(decoded[decoded.length >> 1]),
        ms50_decoded_median: round(decoded50[decoded50.length >> 1]),
      }) + "\n",
    );
  }
}

// Drops the decoded postings of every shard the index has loaded (the
// client decodes a term's postings on first use; see postings() in
// search.js), so the next query decodes them again.
async function forgetPostings(index) {
  for (const shard of index.shards.values()) for (const entry of (await shard).dict.values()) entry.list = null;
}

// A read's bytes: the whole file, or a range "NAME#bytes=A-B".
function fileBytes(publicDir, f) {
  const m = /^(.*)#bytes=(\d+)-(\d+)$/.exec(f);
  return m ? Number(m[3]) - Number(m[2]) + 1 : statSync(join(publicDir, f)).size;
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(String(e.stack || e) + "\n");
  process.exit(1);
});
