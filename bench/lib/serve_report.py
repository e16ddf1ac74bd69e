#!/usr/bin/env python3
"""Markdown report of bench/serve.sh: serve_report.py TMP N (reads TMP/{grassroots,hugo}.json)."""
import json
import os
import statistics
import sys

tmp, n = sys.argv[1], sys.argv[2]
R = {}
for name in ("grassroots", "hugo"):
    with open(os.path.join(tmp, f"{name}.json")) as f:
        R[name] = json.load(f)
    with open(os.path.join(tmp, f"{name}.start_ms")) as f:
        R[name]["start_ms"] = int(f.read())


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def seen(xs):
    return [x for x in xs if x is not None]


def med(xs):
    xs = seen(xs)
    return statistics.median(xs) if xs else None


def server_vals(recs, key):
    return [v for r in recs for v in r["server"].get(key, [])]


def fmt(v, unit="", digits=0):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    return f"{v:,.{digits}f}{unit}"


def ratio(a, b):
    if a is None or b is None or isinstance(a, str) or isinstance(b, str) or b == 0:
        return ""
    return f"{a / b:.2f}×"


def mib(kib):
    return kib / 1024 if kib else None


rows = []  # (label, gr, hugo, digits, show_ratio)


def row(label, f, digits=0, show_ratio=True):
    rows.append((label, f(R["grassroots"]), f(R["hugo"]), digits, show_ratio))


def edits_ms(recs):
    return [r["ms"] for r in recs]


def missed(xs):
    return sum(1 for x in xs if x is None)


row("first build, start → home page served (s)", lambda r: r["start_ms"] / 1000, 1)
row("server CPU while idle, after start / at the end (% of a core)",
    lambda r: f"{fmt(r.get('idle_cpu_start'))} / {fmt(r.get('idle_cpu_end'))}", show_ratio=False)
row("body edit → page served, median (ms)", lambda r: med(edits_ms(r["body"])))
row("body edit → page served, p90 (ms)", lambda r: pct(seen(edits_ms(r["body"])), 90))
row("body edits not picked up", lambda r: f"{missed(edits_ms(r['body']))} of {len(r['body'])}", show_ratio=False)
row("body edit, server's own rebuild time, median (ms)", lambda r: med(server_vals(r["body"], "rebuild_ms")))
row("body edit, search index update after it, median (ms)",
    lambda r: med(server_vals(r["body"], "index_ms")) if r["name"] == "grassroots" else "no index", show_ratio=False)
row("title edit → <title> and <h1> served, median (ms)", lambda r: med(edits_ms(r["title"])))
row("title edits done / not picked up",
    lambda r: f"{len(r['title'])} / {missed(edits_ms(r['title']))}", show_ratio=False)
row("title edit, server's own rebuild time, median (ms)", lambda r: med(server_vals(r["title"], "rebuild_ms")))
TREE_KINDS = {"new": "new page", "draft": "draft = true added", "undraft": "draft = true removed",
              "rename": "page renamed (new URL served, old 404)", "delete": "page deleted (URL 404)"}


def tree(r, kind):
    return [e for e in r.get("tree", []) if e["kind"] == kind]


for kind, label in TREE_KINDS.items():
    row(f"{label} → served, median / max (ms)",
        lambda r, k=kind: f"{fmt(med(edits_ms(tree(r, k))))} / {fmt(max(seen(edits_ms(tree(r, k))), default=None))}"
        + (f" ({missed(edits_ms(tree(r, k)))} not seen)" if missed(edits_ms(tree(r, k))) else ""),
        show_ratio=False)
row("tree changes, server's own rebuild time, median (ms)", lambda r: med(server_vals(r.get("tree", []), "rebuild_ms")))
row("RSS after the first edit (MiB)", lambda r: mib(r["rss_first_kib"]))
row("RSS after the memory loop (MiB)", lambda r: mib(r["memory"]["rss_after_kib"]))
row("RSS growth over the loop (%)",
    lambda r: 100 * (r["memory"]["rss_after_kib"] - r["rss_first_kib"]) / r["rss_first_kib"], 1, False)
row("memory loop: edits done (each waited for until served)",
    lambda r: f"{r['memory']['edits'] + len(r['body']) - 1}" + (" (time cap)" if r["memory"]["capped"] else ""),
    show_ratio=False)
row("memory loop: edit → served, median (ms)", lambda r: med(r["memory"]["edit_ms"]))
row("memory loop: edit → served, p90 (ms)", lambda r: pct(seen(r["memory"]["edit_ms"]), 90))
row("load: requests/s", lambda r: r["load"]["rps"])
row("load: p99 latency (ms)", lambda r: r["load"]["lat_pct_ms"].get("99"), 1)
row("load: max latency (ms)", lambda r: r["load"]["lat_max_ms"], 1)
row("load: non-2xx responses", lambda r: r["load"]["non2xx"], show_ratio=False)
row("load: socket errors (connect/read/write/timeout)",
    lambda r: "/".join(str(r["load"]["socket_errors"].get(k, "?")) for k in ("connect", "read", "write", "timeout")),
    show_ratio=False)
row("load: probe client stalls > 1 s / max (ms)",
    lambda r: f"{r['load']['probe_stalls_1s']} / {fmt(r['load']['probe_max_ms'])} (of {r['load']['probe_requests']}, errors {r['load']['probe_errors']})",
    show_ratio=False)
row("load: edits during load picked up", lambda r: f"{len(seen(r['load']['edit_ms']))} of {len(r['load']['edit_ms'])}",
    show_ratio=False)
row("load: edit → served under load, median (ms)", lambda r: med(r["load"]["edit_ms"]))

print("| measure | grassroots | Hugo | grassroots / Hugo |")
print("| --- | ---: | ---: | ---: |")
for label, g, h, digits, show in rows:
    print(f"| {label} | {fmt(g, '', digits)} | {fmt(h, '', digits)} | {ratio(g, h) if show else ''} |")
print()

print("Each edit, ms from the start of the write to the first GET showing it (server's own rebuild time):")
print()
for name in ("grassroots", "hugo"):
    r = R[name]
    for kind in ("body", "title", "tree"):
        parts = []
        for e in r.get(kind, []):
            own = ", ".join(f"{k.replace('_ms', '')} {'+'.join(map(str, v))}" for k, v in e["server"].items())
            what = f"{e['kind']} " if kind == "tree" else ""
            parts.append(f"{what}{fmt(e['ms']) if e['ms'] is not None else 'NOT SEEN'} ({own or 'no timing line'})")
        print(f"- {name}, {kind}: " + "; ".join(parts))
print()

notes = []
for name in ("grassroots", "hugo"):
    r = R[name]
    probs = []
    for e in r["body"] + r["title"] + r.get("tree", []):
        probs += e["problems"]
    probs += r["memory"]["problems"] + r["load"]["problems"]
    if probs:
        notes.append(f"- {name} printed: " + "; ".join(f"`{p[:200]}`" for p in dict.fromkeys(probs)))
    if not r["alive_at_end"]:
        notes.append(f"- **{name} was no longer running at the end.**")
    if r["load"]["wrk_status"] != 0:
        notes.append(f"- {name}: wrk exited with {r['load']['wrk_status']}: {r['load']['wrk_stderr']}")
if notes:
    print("Server messages and failures:")
    print()
    print("\n".join(notes))
    print()

g = R["grassroots"]
print("How it was measured:")
print()
print(f"- Content: `gen_corpus.py --n {n} --layouts zola,hugo`; grassroots serves `zola/` with a grassroots config.toml "
      "(title, default_language = zh, [languages.en] title; search on by default) and the built-in theme; "
      "`hugo server --disableLiveReload=false` serves `hugo/` (its defaults: pages rendered to memory, Fast Render Mode). "
      "Servers run one after the other on 127.0.0.1, never together.")
print("- Edited pages: 20 zh pages spread over the sub-sections (depth 2), the same files in both layouts: "
      f"{len(g['body'])} body edits, {len(g['title'])} title edits, 1 page under load. A body edit appends "
      "`基准标记句子 MARKER。` as a new paragraph (written in place, no fsync, as most editors save); a title edit rewrites the file with a new "
      "`title = \"新标题 MARKER\"`. The page is fetched once before each edit (as an open browser tab would; Hugo's Fast Render "
      "Mode re-renders recently requested pages first), then polled every 5 ms over one keep-alive connection.")
print(f"- Tree changes: {len(g.get('tree', [])) // 5} rounds next to 3 other sub-section pages, one change at a time (idle between): "
      "new (a copy of the page under a new name, new title and a marker sentence; until its URL serves the marker), "
      "draft (`draft = true` added; until the URL answers 404), undraft (removed; until served again), rename (`mv`; until "
      "the new URL serves the marker and the old one answers 404) and delete (`rm`; until 404).")
print("- Body and title edits are measured one at a time: after each, the benchmark waits until the server has printed its "
      "completion line (grassroots: \"search index updated\" or \"rebuilt in\"; Hugo: \"Total in\") and its CPU use is quiet. "
      "grassroots updates the search index *after* the page is served, so the index time is not in the latency, but an edit "
      "saved while the index is updating waits for it: the memory loop, whose edits follow each other as soon as the previous "
      "one is served, shows that case.")
print("- Memory: VmRSS of the server process (the grassroots binary; the hugo process) after the first body edit, and after "
      "the remaining body edits plus the memory loop (edits rotating over the 10 body pages), once the server is idle. "
      "Hugo keeps the rendered site in memory; grassroots writes it to a temporary folder, so the OS page cache is not in its RSS.")
print(f"- Load: `{g['load']['command']}` (2 threads, keep-alive, 10 s timeout) on one page for "
      f"{os.environ.get('LOAD_S', '15')} s while that page gets a body edit every second; a separate probe client GETs the same "
      "page every 50 ms and counts responses slower than 1 s (stalls). wrk counts non-2xx responses and socket errors. "
      "Everything (wrk, probe, server, editor) shares the 2 CPUs, so requests/s is a loopback figure bounded by the machine.")
