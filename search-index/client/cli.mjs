#!/usr/bin/env node
// Runs the browser client (search.js) against a built site on disk.
//   node search-index/client/cli.mjs PUBLIC_DIR LANG QUERY [--limit N] [--offline]
// Prints one JSON object:
//   {"results": [{"url", "title", "excerpt", "section"}...], "bytes": N, "files": [...],
//    "bytes_first_screen": N, "bytes_first_excerpts": N}
// best result first. "bytes"/"files" count the index files read (entry,
// shards, result data), paths relative to PUBLIC_DIR, for all the results
// printed. "bytes_first_screen" counts what the search box reads before it
// shows its first screen (the top FIRST_SCREEN results; it loads the rest on
// demand): the entry, the shards and the result data of those results only.
// On a big site's index (with metadata bundles) the first screen shows
// titles and paths and the excerpts follow: "bytes_first_excerpts" counts
// the reads up to then (equal to "bytes_first_screen" on other indexes).
// None includes search.js itself. On a damaged index it prints the same
// object with "error" and exits with status 1.
// Range reads: on a big site's index the browser reads each result's
// excerpt record with an HTTP Range request. The CLI emulates that by
// reading only the record's bytes from disk (fs.readSync at its offset) and
// counts only those bytes; such reads are listed in "files" as
// "search/LANG/NAME#bytes=START-END" (END inclusive, as in HTTP).
import { createRequire } from "node:module";
import { readFileSync, readdirSync, statSync, openSync, readSync, closeSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const GS = require(join(here, "search.js"));
/** Results the search box (ui.js) shows before "more results". */
export const FIRST_SCREEN = 5;

export function openSite(publicDir, lang) {
  const dir = join(publicDir, "search", lang);
  let entries;
  try {
    // A site's entry is entry.js; a bare index (build_fixture) names it by hash.
    entries = readdirSync(dir).filter((n) => /^entry(\.[0-9a-f]+)?\.js$/.test(n));
  } catch {
    entries = [];
  }
  if (!entries.length) throw new Error(`no search index in ${dir}`);
  // Several entries only if old builds were left behind: take the newest.
  entries.sort((a, b) => statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs);
  const stats = { bytes: 0, files: [] };
  const load = async (name) => {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`bad search file name ${name}`);
    const code = readFileSync(join(dir, name), "utf8");
    stats.bytes += Buffer.byteLength(code);
    stats.files.push(`search/${lang}/${name}`);
    try {
      new Function("GrassrootsSearch", code)(GS);
    } catch (e) {
      throw new Error(`search file ${name} is damaged (${e.name}: ${e.message})`);
    }
  };
  // An HTTP Range request, emulated: only bytes start..end-1 are read.
  const range = async (name, start, end) => {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`bad search file name ${name}`);
    const buf = Buffer.alloc(Math.max(0, end - start));
    const fd = openSync(join(dir, name), "r");
    let n = 0;
    try {
      while (n < buf.length) {
        const got = readSync(fd, buf, n, buf.length - n, start + n);
        if (!got) break;
        n += got;
      }
    } finally {
      closeSync(fd);
    }
    stats.bytes += n;
    stats.files.push(`search/${lang}/${name}#bytes=${start}-${end - 1}`);
    return { slice: buf.subarray(0, n).toString("latin1") };
  };
  return { index: GS.open({ entry: entries[0], load, range }), stats };
}

async function main(argv) {
  const args = argv.filter((a) => !a.startsWith("--"));
  const limitAt = argv.indexOf("--limit");
  const limit = limitAt >= 0 ? Number(argv[limitAt + 1]) || 10 : 10;
  if (limitAt >= 0) args.splice(args.indexOf(argv[limitAt + 1]), 1);
  const [publicDir, lang, query = ""] = args;
  if (!publicDir || !lang) {
    process.stderr.write("usage: cli.mjs PUBLIC_DIR LANG QUERY [--limit N] [--offline]\n");
    process.exit(2);
  }
  let stats = { bytes: 0, files: [] };
  try {
    const site = openSite(publicDir, lang);
    stats = site.stats;
    const offline = argv.includes("--offline");
    // As the search box does: the first screen (FIRST_SCREEN results with
    // their result data) first, then the rest of the list.
    const first = { limit: Math.min(limit, FIRST_SCREEN), offline };
    await site.index.preview(query, first);
    const firstScreen = stats.bytes;
    await site.index.results(query, first);
    const firstExcerpts = stats.bytes;
    const results = await site.index.results(query, { limit, offline });
    const out = results.map((r) => ({ url: r.url, title: r.title, excerpt: r.excerpt, section: r.section }));
    process.stdout.write(
      JSON.stringify({
        results: out,
        bytes: stats.bytes,
        files: stats.files,
        bytes_first_screen: firstScreen,
        bytes_first_excerpts: firstExcerpts,
      }) + "\n",
    );
  } catch (e) {
    process.stdout.write(JSON.stringify({ results: [], bytes: stats.bytes, files: stats.files, error: String(e.message || e) }) + "\n");
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2));
}
