#!/usr/bin/env python3
"""Measures one running dev server (grassroots serve or hugo server) for bench/serve.sh.

    serve_measure.py --name NAME --base http://127.0.0.1:P --content SITE/content \
        --pid PID --log SERVER.log --pages PAGES.txt --out RESULT.json

PAGES.txt: one content-relative zh page path a line (sec-001/sub-2/p00101.md),
the same pages in both layouts; its URL is /sec-001/sub-2/p00101/. Phases:

1. body: BODY_EDITS (10) edits, each appends a marker sentence to a different
   page; latency = start of the write -> first GET of the page whose HTML holds
   the marker (polled every 5 ms). Between edits the server is let go idle (its
   completion line printed, its CPU quiet), so each edit is measured alone.
2. memory: VmRSS after the first body edit; after phase 1, MEM_EDITS (100)
   more body edits back to back (each waited for until visible, not until
   idle), VmRSS again once the server went idle.
3. title: TITLE_EDITS (5) front-matter title changes on other pages; latency
   until both <title> and <h1> show the new title.
4. tree: TREE_ROUNDS (3) rounds of page-tree changes next to a sub-section
   page, each waited for alone (server idle between): new (a copy of the
   page under a new name, with a marker: its URL served with the marker),
   draft (`draft = true` added: its URL 404), undraft (removed: 200 again),
   rename (the file moved: the new URL served, the old one 404) and delete
   (the file removed: its URL 404).
5. load: wrk -t2 -c200 for LOAD_S (15) s on a page while that page gets a body
   edit every second; a separate probe client GETs it every 50 ms and records
   its latencies (stalls > 1 s).
Phases 2 and 3 stop starting new edits after PHASE_MAX_S seconds (the JSON says
how many were done). The server's own timing lines are collected per edit.
"""
import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time

POLL_S = 0.005
ENV = os.environ


def env_int(name, default):
    return int(ENV.get(name, default))


BODY_EDITS = env_int("BODY_EDITS", 10)
TITLE_EDITS = env_int("TITLE_EDITS", 5)
TREE_ROUNDS = env_int("TREE_ROUNDS", 3)
MEM_EDITS = env_int("MEM_EDITS", 100)
LOAD_S = env_int("LOAD_S", 15)
LOAD_CONNS = env_int("LOAD_CONNS", 200)
PHASE_MAX_S = env_int("PHASE_MAX_S", 300)
EDIT_TIMEOUT_S = env_int("EDIT_TIMEOUT_S", 600)
# A tree change a server never shows (hugo server keeps serving a page made a
# draft from memory) is recorded as not seen after this long.
TREE_TIMEOUT_S = env_int("TREE_TIMEOUT_S", 30)
IDLE_TIMEOUT_S = env_int("IDLE_TIMEOUT_S", 600)
SETTLE_MAX_S = env_int("SETTLE_MAX_S", 3)

# Lines with the server's own timing.
TIMING = {
    "grassroots": [("rebuild_ms", re.compile(r"^rebuilt in (\d+) ms")),
                   ("index_ms", re.compile(r"^search index updated in (\d+) ms"))],
    "hugo": [("rebuild_ms", re.compile(r"Total in (\d+) ms"))],
}
# The line that ends the server's work after an edit (then its CPU must be quiet).
DONE = {
    "grassroots": re.compile(r"^(search index updated|warning: search index|rebuilt in|the build failed)"),
    "hugo": re.compile(r"(Total in \d+ ms|ERROR)"),
}
PROBLEM = re.compile(r"(error|ERROR|warning|WARN|failed|panick)")


def log(msg):
    print(f"bench: [{ARGS.name}] {msg}", file=sys.stderr, flush=True)


class Log:
    """The server's log file, read from an offset."""

    def __init__(self, path):
        self.path = path

    def size(self):
        return os.path.getsize(self.path)

    def since(self, offset):
        with open(self.path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace").splitlines()


def timings(lines):
    out = {}
    for key, rx in TIMING[ARGS.name]:
        vals = [int(m.group(1)) for ln in lines for m in [rx.search(ln)] if m]
        if vals:
            out[key] = vals
    return out


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def idle_cpu_pct(seconds=2.0):
    """The server's CPU use (% of one core) over `seconds` with no request or edit."""
    a = cpu_ticks(ARGS.pid)
    time.sleep(seconds)
    return 100 * (cpu_ticks(ARGS.pid) - a) / os.sysconf("SC_CLK_TCK") / seconds


def alive(pid):
    return os.path.exists(f"/proc/{pid}")


def pending_work(lines):
    """Work started but not finished in these log lines: grassroots prints
    "rebuilt in" and, after an edit, "search index updated"; Hugo prints
    "Change detected" and "Total in"."""
    if ARGS.name == "grassroots":
        # Edits in quick succession share one index update: pending while
        # the last rebuild is newer than the last index update.
        def last(rx):
            return max((i for i, ln in enumerate(lines) if re.match(rx, ln)), default=-1)
        indexed = last(r"(search index updated|warning: search index)")
        # A whole-site build writes its own index: no update line follows it.
        if last(r"rebuilding the whole site") > indexed:
            return 0
        return int(last(r"rebuilt in \d+ ms") > indexed)
    started = sum(1 for ln in lines if "Change detected" in ln)
    done = sum(1 for ln in lines if re.search(r"Total in \d+ ms|ERROR", ln))
    return started - done


def wait_idle(offset, need_done=True, check_pending=True):
    """Waits until the server printed a completion line after `offset` (when
    need_done), has no rebuild pending in its log (when check_pending: only
    body edits, whose rebuilds grassroots follows with an index update), its log is unchanged for
    1 s, and then (at most SETTLE_MAX_S) until it uses < 5% CPU over 300 ms.
    Returns seconds waited."""
    t0 = time.monotonic()
    hz = os.sysconf("SC_CLK_TCK")
    deadline = t0 + IDLE_TIMEOUT_S
    last_size, quiet_since = -1, t0
    while time.monotonic() < deadline:
        lines = LOG.since(offset)
        size = LOG.size()
        if size != last_size:
            last_size, quiet_since = size, time.monotonic()
        done = not need_done or any(DONE[ARGS.name].search(ln) for ln in lines)
        if done and (not check_pending or pending_work(lines) <= 0) and time.monotonic() - quiet_since >= 1.0:
            break
        time.sleep(0.05)
    else:
        log(f"server not idle within IDLE_TIMEOUT_S={IDLE_TIMEOUT_S} s")
    settle = time.monotonic() + SETTLE_MAX_S
    while time.monotonic() < settle:
        a = cpu_ticks(ARGS.pid)
        time.sleep(0.3)
        if (cpu_ticks(ARGS.pid) - a) / hz < 0.015:
            break
    return time.monotonic() - t0


class Client:
    """One keep-alive HTTP connection, reopened on errors."""

    def __init__(self, base, timeout=30):
        m = re.match(r"http://([^:/]+):(\d+)", base)
        self.host, self.port, self.timeout = m.group(1), int(m.group(2)), timeout
        self.conn = None

    def get(self, path):
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.request("GET", path, headers={"Cache-Control": "no-cache"})
                r = self.conn.getresponse()
                body = r.read()
                if r.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, body.decode("utf-8", "replace")
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError


def url_of(page):
    return "/" + page[: -len(".md")] + "/"


MARK_N = [0]


def new_marker(tag):
    MARK_N[0] += 1
    return f"gbm{tag}{MARK_N[0]}x{random.randrange(16**6):06x}"


def write_file(path, text, mode):
    """Writes as most editors save: no fsync. An fsync here would measure
    the disk, not the server: after a big build or index refresh, ext4 makes
    it wait for all earlier writes (up to 600 ms on this machine)."""
    with open(path, mode, encoding="utf-8") as f:
        f.write(text)


# Edit times count from just before the write.


def append_marker(page, tag):
    marker = new_marker(tag)
    t0 = time.monotonic()
    write_file(os.path.join(ARGS.content, page), f"\n\n基准标记句子 {marker}。\n", "a")
    return marker, t0


TITLE_LINE = re.compile(r'^title = ".*"$', re.M)


def change_title(page, tag):
    marker = new_marker(tag)
    path = os.path.join(ARGS.content, page)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    new, n = TITLE_LINE.subn(f'title = "新标题 {marker}"', text, count=1)
    assert n == 1, f"no title line in {path}"
    t0 = time.monotonic()
    write_file(path, new, "w")
    return marker, t0


def wait_status(client, path, t0, want, timeout=EDIT_TIMEOUT_S):
    """Polls path every 5 ms until it answers with status `want`; returns ms since t0, or None."""
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        try:
            if client.get(path)[0] == want:
                return (time.monotonic() - t0) * 1000
        except OSError:
            pass
        time.sleep(POLL_S)
    return None


def wait_visible(client, path, t0, test, timeout=EDIT_TIMEOUT_S):
    """Polls path every 5 ms until test(body); returns ms since t0, or None."""
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        try:
            status, body = client.get(path)
            if status == 200 and test(body):
                return (time.monotonic() - t0) * 1000
        except OSError:
            pass
        time.sleep(POLL_S)
    return None


def has(marker):
    return lambda body: marker in body


def has_title(marker):
    h1 = re.compile(r"<h1[^>]*>[^<]*" + marker)
    title = re.compile(r"<title>[^<]*" + marker)
    return lambda body: bool(h1.search(body) and title.search(body))


def server_lines(offset):
    return [ln for ln in LOG.since(offset) if ln.strip()]


def one_edit(client, page, kind, wait_for_idle=True):
    url = url_of(page)
    client.get(url)  # the page was opened in a browser (and Hugo's fast render tracks it)
    off = LOG.size()
    if kind == "body":
        marker, t0 = append_marker(page, "b")
        ms = wait_visible(client, url, t0, has(marker))
    else:
        marker, t0 = change_title(page, "t")
        ms = wait_visible(client, url, t0, has_title(marker))
    # A title edit is a full rebuild: grassroots prints no index line after it.
    idle = wait_idle(off, check_pending=(kind == "body")) if wait_for_idle else 0
    lines = server_lines(off)
    rec = {"page": page, "ms": ms, "server": timings(lines), "idle_wait_s": round(idle, 2),
           "problems": [ln for ln in lines if PROBLEM.search(ln)][:5]}
    shown = "NOT SEEN" if ms is None else f"{ms:.0f} ms"
    log(f"{kind} edit {page}: visible after {shown}; server: {rec['server']}")
    return rec


def phase_body(client, pages, result):
    out = []
    for p in pages[:BODY_EDITS]:
        out.append(one_edit(client, p, "body"))
        if len(out) == 1:
            result["rss_first_kib"] = rss_kib(ARGS.pid)  # after the first edit, the server idle
    return out


def phase_title(client, pages):
    out, start = [], time.monotonic()
    for p in pages[:TITLE_EDITS]:
        if out and time.monotonic() - start > PHASE_MAX_S:
            log(f"title edits: time cap PHASE_MAX_S={PHASE_MAX_S} s reached after {len(out)}")
            break
        out.append(one_edit(client, p, "title"))
    return out


def tree_step(client, kind, url, change, seen):
    """One tree change: `change()` touches the files (timed from just before
    it), `seen()` polls until the server shows it; then the server goes idle."""
    off = LOG.size()
    t0 = time.monotonic()
    change()
    ms = seen(t0)
    # Hugo prints "Change detected" once per file event but one "Total in"
    # for a batch (a rename is two events): count only its completion line.
    idle = wait_idle(off, check_pending=(ARGS.name == "grassroots"))
    lines = server_lines(off)
    shown = "NOT SEEN" if ms is None else f"{ms:.0f} ms"
    log(f"{kind} {url}: served after {shown}; server: {timings(lines)}")
    return {"kind": kind, "url": url, "ms": ms, "server": timings(lines), "idle_wait_s": round(idle, 2),
            "problems": [ln for ln in lines if PROBLEM.search(ln)][:5]}


def set_draft(path, on):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if on:
        text, n = TITLE_LINE.subn(lambda m: m.group(0) + "\ndraft = true", text, count=1)
        assert n == 1, f"no title line in {path}"
    else:
        text = text.replace("\ndraft = true", "", 1)
    write_file(path, text, "w")


def phase_tree(client, pages):
    out = []
    for i, source in enumerate(pages[:TREE_ROUNDS]):
        folder = os.path.dirname(source)
        marker = new_marker("n")
        with open(os.path.join(ARGS.content, source), encoding="utf-8") as f:
            text = f.read()
        text = TITLE_LINE.sub(f'title = "新页面 {marker}"', text, count=1) + f"\n\n新页面标记 {marker}。\n"
        new = f"{folder}/gbnew{i}{marker[-6:]}.md"
        moved = f"{folder}/gbmoved{i}{marker[-6:]}.md"
        new_path, moved_path = (os.path.join(ARGS.content, p) for p in (new, moved))
        client.get(url_of(source))
        out.append(tree_step(client, "new", url_of(new), lambda: write_file(new_path, text, "w"),
                             lambda t0: wait_visible(client, url_of(new), t0, has(marker), TREE_TIMEOUT_S)))
        out.append(tree_step(client, "draft", url_of(new), lambda: set_draft(new_path, True),
                             lambda t0: wait_status(client, url_of(new), t0, 404, TREE_TIMEOUT_S)))
        out.append(tree_step(client, "undraft", url_of(new), lambda: set_draft(new_path, False),
                             lambda t0: wait_visible(client, url_of(new), t0, has(marker), TREE_TIMEOUT_S)))

        def renamed(t0):
            shown = wait_visible(client, url_of(moved), t0, has(marker), TREE_TIMEOUT_S)
            gone = wait_status(client, url_of(new), t0, 404, TREE_TIMEOUT_S)
            return None if shown is None or gone is None else max(shown, gone)
        out.append(tree_step(client, "rename", url_of(moved), lambda: os.rename(new_path, moved_path), renamed))
        out.append(tree_step(client, "delete", url_of(moved), lambda: os.remove(moved_path),
                             lambda t0: wait_status(client, url_of(moved), t0, 404, TREE_TIMEOUT_S)))
    return out


def phase_memory(client, pages, rss_first):
    edits, start, capped = [], time.monotonic(), False
    off = LOG.size()
    for i in range(MEM_EDITS):
        if time.monotonic() - start > PHASE_MAX_S:
            capped = True
            log(f"memory loop: time cap PHASE_MAX_S={PHASE_MAX_S} s reached after {i} edits")
            break
        p = pages[i % len(pages)]
        url = url_of(p)
        marker, t0 = append_marker(p, "m")
        ms = wait_visible(client, url, t0, has(marker))
        edits.append(ms)
        if (i + 1) % 10 == 0:
            log(f"memory loop: {i + 1}/{MEM_EDITS} edits, RSS {rss_kib(ARGS.pid) // 1024} MiB")
    wait_idle(off, need_done=False)
    lines = server_lines(off)
    return {"rss_first_kib": rss_first, "rss_after_kib": rss_kib(ARGS.pid), "edits": len(edits),
            "capped": capped, "edit_ms": edits, "server": timings(lines),
            "elapsed_s": round(time.monotonic() - start, 1),
            "problems": [ln for ln in lines if PROBLEM.search(ln)][:5]}


def parse_wrk(text):
    def num(rx, default=0.0):
        m = re.search(rx, text)
        return float(m.group(1)) if m else default

    def dur_ms(s):
        m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
        if not m:
            return None
        v, u = float(m.group(1)), m.group(2)
        return v * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]

    lat = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", text)
    pct = {p: dur_ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "rps": num(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(num(r"(\d+) requests in")),
        "non2xx": int(num(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": dict(zip(["connect", "read", "write", "timeout"], map(int, sock.groups()))) if sock
        else {"connect": 0, "read": 0, "write": 0, "timeout": 0},  # wrk prints no line when all are 0
        "lat_avg_ms": dur_ms(lat.group(1)) if lat else None,
        "lat_max_ms": dur_ms(lat.group(3)) if lat else None,
        "lat_pct_ms": pct,
    }


def phase_load(page, edit_pages):
    url = url_of(page)
    stop = threading.Event()
    probe = {"lat_ms": [], "errors": 0}
    edits = []

    def prober():
        c = Client(ARGS.base, timeout=10)
        while not stop.is_set():
            t = time.monotonic()
            try:
                status, _ = c.get(url)
                if status != 200:
                    probe["errors"] += 1
            except OSError:
                probe["errors"] += 1
            probe["lat_ms"].append((time.monotonic() - t) * 1000)
            time.sleep(0.05)

    def editor():
        c = Client(ARGS.base, timeout=10)
        pending = []  # (marker, t0, path)
        i = 0
        next_edit = time.monotonic() + 1
        while not stop.is_set():
            now = time.monotonic()
            if now >= next_edit:
                p = edit_pages[i % len(edit_pages)]
                i += 1
                marker, t0 = append_marker(p, "l")
                pending.append((marker, t0, url_of(p)))
                next_edit += 1
            # check the oldest pending edit
            if pending:
                marker, t0, u = pending[0]
                try:
                    status, body = c.get(u)
                    if status == 200 and marker in body:
                        edits.append((time.monotonic() - t0) * 1000)
                        pending.pop(0)
                        continue
                except OSError:
                    pass
            time.sleep(0.02)
        # Edits still pending when the load ends: give them EDIT_TIMEOUT_S more.
        for marker, t0, u in pending:
            edits.append(wait_visible(c, u, t0, has(marker)))

    off = LOG.size()
    wrk_cmd = ["wrk", "-t2", f"-c{LOAD_CONNS}", f"-d{LOAD_S}s", "--timeout", "10s", "--latency",
               ARGS.base + url]
    threads = [threading.Thread(target=prober), threading.Thread(target=editor)]
    for t in threads:
        t.start()
    try:
        wrk = subprocess.run(wrk_cmd, capture_output=True, text=True, timeout=LOAD_S + 60)
    finally:
        stop.set()
        for t in threads:
            t.join()
    wait_idle(off, need_done=False)
    lines = server_lines(off)
    res = parse_wrk(wrk.stdout)
    res.update({
        "command": " ".join(wrk_cmd[:-1]) + " " + url,
        "wrk_status": wrk.returncode,
        "wrk_stderr": wrk.stderr.strip()[:500],
        "probe_requests": len(probe["lat_ms"]),
        "probe_errors": probe["errors"],
        "probe_max_ms": max(probe["lat_ms"]) if probe["lat_ms"] else None,
        "probe_stalls_1s": sum(1 for x in probe["lat_ms"] if x > 1000),
        "edit_ms": edits,
        "server": timings(lines),
        "problems": [ln for ln in lines if PROBLEM.search(ln)][:5],
        "alive_after": alive(ARGS.pid),
    })
    log(f"load: {res['rps']:.0f} req/s, non-2xx {res['non2xx']}, socket errors {res['socket_errors']}, "
        f"max {res['lat_max_ms']} ms; probe max {res['probe_max_ms']} ms; edits seen {sum(1 for e in edits if e is not None)}/{len(edits)}")
    return res


def main():
    global ARGS, LOG
    ap = argparse.ArgumentParser()
    for a in ("--name", "--base", "--content", "--log", "--pages", "--out"):
        ap.add_argument(a, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ARGS = ap.parse_args()
    LOG = Log(ARGS.log)
    random.seed(f"{ARGS.name}-{time.time_ns()}")
    with open(ARGS.pages) as f:
        pages = [ln.strip() for ln in f if ln.strip()]
    need = BODY_EDITS + TITLE_EDITS + 1 + TREE_ROUNDS
    assert len(pages) >= need, f"need {need} pages, got {len(pages)}"
    body_pages = pages[:BODY_EDITS]
    title_pages = pages[BODY_EDITS:BODY_EDITS + TITLE_EDITS]
    load_page = pages[BODY_EDITS + TITLE_EDITS]
    client = Client(ARGS.base)
    time.sleep(1)
    result = {"name": ARGS.name, "rss_start_kib": rss_kib(ARGS.pid), "idle_cpu_start": idle_cpu_pct()}
    t = time.monotonic()
    result["body"] = phase_body(client, body_pages, result)
    result["memory"] = phase_memory(client, body_pages, result["rss_first_kib"])
    result["title"] = phase_title(client, title_pages)
    result["tree"] = phase_tree(client, pages[BODY_EDITS + TITLE_EDITS + 1:])
    result["load"] = phase_load(load_page, [load_page])
    result["alive_at_end"] = alive(ARGS.pid)
    if result["alive_at_end"]:
        result["idle_cpu_end"] = idle_cpu_pct()
    result["elapsed_s"] = round(time.monotonic() - t, 1)
    with open(ARGS.out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
