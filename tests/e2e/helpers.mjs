// Shared pieces of the browser end-to-end suite: the builds under test, a
// plain static server, the Chromium launch and the localhost guard.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(E2E_DIR, "../..");
export const ARTIFACTS = path.join(E2E_DIR, "artifacts");
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium-flags.mjs";
export { CHROMIUM, CHROMIUM_ARGS };

// ------------------------------------------------------------------ builds

const builds = {};
/** Output folder of a build. run.sh builds once and passes the folders in
 * E2E_PUBLIC / E2E_OFFLINE / E2E_FIXTURE; run alone, a test file builds what
 * it needs with the release binary. */
export function build(kind) {
  const envName = { public: "E2E_PUBLIC", offline: "E2E_OFFLINE", fixture: "E2E_FIXTURE" }[kind];
  if (process.env[envName]) return process.env[envName];
  if (builds[kind]) return builds[kind];
  const bin = path.join(REPO, "target/release/grassroots");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run tests/e2e/run.sh (or cargo build --release)`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `grassroots-e2e-${kind}-`));
  const src = kind === "fixture" ? path.join(E2E_DIR, "fixture-site") : path.join(REPO, "site");
  const args = ["build", src, "--output", out, ...(kind === "offline" ? ["--offline"] : [])];
  const r = spawnSync(bin, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`grassroots ${args.join(" ")} failed:\n${r.stderr}`);
  return (builds[kind] = out);
}

// ------------------------------------------------------- the site's sources

/** Title of a content file (front matter `title = "…"` or '…'). */
export function contentTitle(rel, site = path.join(REPO, "site")) {
  const text = fs.readFileSync(path.join(site, "content", rel), "utf8");
  const m = text.match(/^title\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/m);
  if (!m) throw new Error(`no title in ${rel}`);
  return m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2];
}

export const LANGS = [
  { code: "zh", htmlLang: "zh-CN", prefix: "", suffix: ".md" },
  { code: "en", htmlLang: "en", prefix: "en/", suffix: ".en.md" },
];

// ---------------------------------------------------------- static server

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".pdf": "application/pdf",
};

/** A plain static host for `dir`, mounted at `prefix` ("/" or "/a/b/"):
 * files as they are, `x/` → `x/index.html`, `x` (a folder) → redirect to
 * `x/`, anything else → the language's 404.html with status 404. A
 * request for one byte range of a file gets it with 206, as most static
 * hosts do. `log` records each request: method, path, range, status. */
export async function startServer(dir, prefix = "/") {
  const root = path.resolve(dir);
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = null;
    try {
      const p = decodeURIComponent(url.pathname);
      if (p.startsWith(prefix)) rel = p.slice(prefix.length);
    } catch {}
    const entry = { method: req.method, path: url.pathname, range: req.headers.range || null, status: 0 };
    log.push(entry);
    const send = (status, file) => {
      let body = fs.readFileSync(file);
      const headers = { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-cache" };
      const m = status === 200 && /^bytes=(\d+)-(\d+)$/.exec(req.headers.range || "");
      if (m && Number(m[1]) <= Number(m[2]) && Number(m[1]) < body.length) {
        const [a, b] = [Number(m[1]), Math.min(Number(m[2]), body.length - 1)];
        headers["content-range"] = `bytes ${a}-${b}/${body.length}`;
        body = body.subarray(a, b + 1);
        status = 206;
      }
      headers["content-length"] = body.length;
      entry.status = status;
      res.writeHead(status, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (rel !== null && !rel.split("/").includes("..")) {
      let file = path.join(root, rel);
      if (file.startsWith(root)) {
        let st = fs.statSync(file, { throwIfNoEntry: false });
        if (st && st.isDirectory()) {
          if (!rel.endsWith("/") && rel !== "") {
            res.writeHead(301, { location: url.pathname + "/" + url.search });
            return res.end();
          }
          file = path.join(file, "index.html");
          st = fs.statSync(file, { throwIfNoEntry: false });
        }
        if (st && st.isFile()) return send(200, file);
      }
    }
    const lang404 = rel && /^en(\/|$)/.test(rel) ? path.join(root, "en/404.html") : path.join(root, "404.html");
    if (fs.existsSync(lang404)) return send(404, lang404);
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    base: `http://127.0.0.1:${port}${prefix}`,
    log,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

// ------------------------------------------------------- browser + guard

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** True for a URL that stays on this machine. */
export function isLocal(u) {
  let url;
  try { url = new URL(u); } catch { return false; }
  if (["file:", "data:", "blob:", "about:"].includes(url.protocol)) return true;
  if (url.protocol === "chrome-extension:" || url.protocol === "chrome:") return false;
  return LOCAL_HOSTS.has(url.hostname);
}

/** How long a wait on the page's state may take before it counts as a
 * hang. Waits are on events and state, never on a clock; this bound only
 * turns a hang into a failure, and is long because CI's 2 cores are shared
 * with builds (a search that takes 100 ms alone took over 10 s there). */
export const PATIENCE = 120_000;

/** Waits until the search box shows the results of `q` with their
 * excerpts (the last render of a query), and the page has drawn them. */
export async function settledResults(page, q) {
  await page.waitForFunction((q) => {
    const box = document.getElementById("search-results");
    return box.getAttribute("data-query") === q && box.querySelector("a.search-result .search-excerpt:not(:empty)");
  }, q);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Launches Debian Chromium headless with a fresh profile. Returns the
 * (persistent) context plus `offHost`: every request that left localhost. */
export async function launch(options = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grassroots-e2e-profile-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: "zh-CN",
    ...options,
  });
  context.setDefaultTimeout(PATIENCE);
  const offHost = [];
  const requests = [];
  const watch = (page) => {
    page.on("request", (req) => {
      requests.push(req.url());
      if (!isLocal(req.url())) offHost.push(req.url());
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  return {
    context,
    offHost,
    requests,
    async newPage() {
      const page = await context.newPage();
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Fails when any request of the run left localhost. */
export function assertLocalOnly(assert, b) {
  assert.deepEqual([...new Set(b.offHost)], [], "requests left localhost");
}

export async function h1(page) {
  return (await page.locator("main h1").first().innerText()).trim();
}

/** Text of a link without its "not translated" badge. */
export async function linkTitle(locator) {
  return locator.evaluate((a) => {
    const c = a.cloneNode(true);
    c.querySelectorAll(".badge, .pager-label").forEach((b) => b.remove());
    return c.textContent.trim();
  });
}

export function ensureArtifacts() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}

/** Path relative to the mount, without origin/prefix, decoded. */
export function relPath(pageUrl, base) {
  const u = new URL(pageUrl);
  const b = new URL(base);
  if (u.protocol === "file:") return decodeURIComponent(u.pathname.slice(b.pathname.length));
  return decodeURIComponent(u.pathname.slice(b.pathname.length));
}

export const MOUNTS = ["/", "/a/b/"];

/** Clicks (or presses) and waits until the page has left its current URL
 * and the new page has loaded. */
export async function follow(page, action) {
  const from = page.url();
  await Promise.all([page.waitForURL((u) => u.href !== from, { waitUntil: "load" }), action()]);
}
