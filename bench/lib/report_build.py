#!/usr/bin/env python3
"""Markdown tables of bench/build.sh: report_build.py RAW.tsv TMPDIR

RAW.tsv rows: n, tool, run, wall_s, cpu_s, rss_kib, status (0 = success).
TMPDIR holds out-{gr,hugo}-N.txt (output bytes) and html-{gr,hugo}-N.txt.
"""
import os
import statistics
import sys

raw, tmp = sys.argv[1], sys.argv[2]
rows = []
with open(raw) as f:
    for line in f:
        if line.strip():
            n, tool, run, wall, cpu, rss, status = line.rstrip("\n").split("\t")
            rows.append((int(n), tool, int(run), float(wall), float(cpu), int(rss), int(status)))


def read(name):
    p = os.path.join(tmp, name)
    return int(open(p).read().strip()) if os.path.exists(p) else None


def med(xs):
    return statistics.median(xs) if xs else None


ns = sorted({r[0] for r in rows})
res = {}  # (n, tool) -> dict
for n in ns:
    for tool in ("grassroots", "hugo"):
        ok = [r for r in rows if r[0] == n and r[1] == tool and r[6] == 0]
        failed = [r for r in rows if r[0] == n and r[1] == tool and r[6] != 0]
        res[(n, tool)] = {
            "runs": len(ok),
            "failed": len(failed),
            "wall": med([r[3] for r in ok]),
            "cpu": med([r[4] for r in ok]),
            "rss": med([r[5] / 1024 for r in ok]),
            "walls": [r[3] for r in ok],
            "out": read("out-%s-%d.txt" % ("gr" if tool == "grassroots" else "hugo", n)),
            "html": read("html-%s-%d.txt" % ("gr" if tool == "grassroots" else "hugo", n)),
        }


def fmt(x, unit="", nd=2):
    return "–" if x is None else ("%.*f%s" % (nd, x, unit))


def ratio(a, b):
    return "–" if a is None or b is None or b == 0 else "%.2f×" % (a / b)


print("| N / lang | tool | runs | wall (s) | CPU user+sys (s) | peak RSS (MiB) | MiB / 1,000 pages | output | KiB / page (output / 2N) | HTML files | wall of each run (s) |")
print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for n in ns:
    g, h = res[(n, "grassroots")], res[(n, "hugo")]
    for tool, r in (("grassroots", g), ("Hugo", h)):
        per_k = None if r["rss"] is None else r["rss"] / (2 * n / 1000)
        runs = str(r["runs"]) + (" (+%d failed)" % r["failed"] if r["failed"] else "")
        out = "–" if r["out"] is None else "%.1f MiB" % (r["out"] / 2**20)
        # Everything published (pages, print pages, search, assets) over the
        # content pages of both languages: what a page costs to host.
        per_page = "–" if r["out"] is None else "%.1f" % (r["out"] / 1024 / (2 * n))
        print(
            "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
            % (n, tool, runs, fmt(r["wall"]), fmt(r["cpu"]), fmt(r["rss"], nd=0), fmt(per_k, nd=1), out, per_page,
               "–" if r["html"] is None else r["html"], ", ".join("%.2f" % w for w in r["walls"]) or "–")
        )
    print(
        "| %d | **grassroots / Hugo** | | **%s** | **%s** | **%s** | **%s** | %s | | | |"
        % (n, ratio(g["wall"], h["wall"]), ratio(g["cpu"], h["cpu"]), ratio(g["rss"], h["rss"]),
           ratio(g["rss"], h["rss"]), ratio(g["out"], h["out"]))
    )

if len(ns) >= 2:
    lo, hi = ns[0], ns[-1]
    print()
    print("Scaling, N=%d vs N=%d (%.0f× the pages):" % (hi, lo, hi / lo))
    print()
    print("| tool | wall %d / wall %d | CPU %d / CPU %d | peak RSS %d / %d |" % (hi, lo, hi, lo, hi, lo))
    print("| --- | ---: | ---: | ---: |")
    for tool, label in (("grassroots", "grassroots"), ("hugo", "Hugo")):
        a, b = res[(hi, tool)], res[(lo, tool)]
        print("| %s | %s | %s | %s |" % (label, ratio(a["wall"], b["wall"]), ratio(a["cpu"], b["cpu"]), ratio(a["rss"], b["rss"])))
