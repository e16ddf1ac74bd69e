// A small W3C WebDriver client over fetch, enough for the cross-engine
// tests: sessions on WebKitWebDriver (WebKitGTK), geckodriver (Firefox ESR)
// and chromedriver (Chromium), navigation, scripts, clicks, keys, window
// size and screenshots. No npm package: the protocol is a dozen JSON calls,
// and selenium-webdriver or webdriverio would add megabytes and their own
// waiting rules for what these tests do with one fetch each.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts a driver binary on a free port and waits until it answers /status. */
export async function startDriver(bin, args = [], env = process.env) {
  const port = await freePort();
  const proc = spawn(bin, [`--port=${port}`, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  for (const t0 = Date.now(); ;) {
    if (proc.exitCode !== null) throw new Error(`${bin} exited (${proc.exitCode}): ${stderr}`);
    try {
      const r = await fetch(base + "/status");
      if (r.ok) break;
    } catch {}
    if (Date.now() - t0 > 60_000) throw new Error(`${bin} did not answer on ${base}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    stderr: () => stderr,
    async stop() { if (proc.exitCode === null) { proc.kill("SIGTERM"); await exited; } },
  };
}

export class WebDriverError extends Error {}

export class Session {
  static async create(driverBase, capabilities) {
    const r = await call(driverBase, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    return new Session(driverBase, r.sessionId, r.capabilities);
  }
  constructor(driverBase, id, capabilities) {
    this.base = `${driverBase}/session/${id}`;
    this.capabilities = capabilities;
  }
  cmd(method, path, body) { return call(this.base, method, path, body); }

  navigate(url) { return this.cmd("POST", "/url", { url }); }
  url() { return this.cmd("GET", "/url"); }
  back() { return this.cmd("POST", "/back", {}); }
  /** Runs `fn` (a function, serialised) in the page with JSON arguments. */
  exec(fn, ...args) { return this.cmd("POST", "/execute/sync", { script: `return (${fn}).apply(null, arguments);`, args }); }
  async find(css) {
    const r = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return r[ELEMENT];
  }
  async findAll(css) {
    return (await this.cmd("POST", "/elements", { using: "css selector", value: css })).map((r) => r[ELEMENT]);
  }
  async click(css) { return this.cmd("POST", `/element/${await this.find(css)}/click`, {}); }
  /** Clicks the i-th element that matches (links whose href is relative
   * differ from page to page; their order does not). */
  async clickNth(css, i) {
    const all = await this.findAll(css);
    if (!all[i]) throw new WebDriverError(`no element ${i} of ${css} (${all.length} match)`);
    return this.cmd("POST", `/element/${all[i]}/click`, {});
  }
  /** Types into the element, one key per call when `oneByOne` (as a person
   * types, each key its own input event). */
  async type(css, text, { oneByOne = true } = {}) {
    const el = await this.find(css);
    for (const chunk of oneByOne ? Array.from(text) : [text]) await this.cmd("POST", `/element/${el}/value`, { text: chunk });
  }
  /** Presses keys on the focused element (WebDriver key codes, e.g. "\uE007" Enter). */
  keys(value) {
    const actions = Array.from(value).flatMap((k) => [{ type: "keyDown", value: k }, { type: "keyUp", value: k }]);
    return this.cmd("POST", "/actions", { actions: [{ type: "key", id: "kb", actions }] });
  }
  /** A pointer tap (mouse click) at viewport coordinates: what a reader's
   * finger does on empty page. */
  tapAt(x, y) {
    return this.cmd("POST", "/actions", { actions: [{ type: "pointer", id: "finger", parameters: { pointerType: "mouse" }, actions: [
      { type: "pointerMove", x: Math.round(x), y: Math.round(y), duration: 0 },
      { type: "pointerDown", button: 0 }, { type: "pointerUp", button: 0 },
    ] }] });
  }
  setWindowRect(rect) { return this.cmd("POST", "/window/rect", rect); }
  async screenshot(file) { fs.writeFileSync(file, Buffer.from(await this.cmd("GET", "/screenshot"), "base64")); }
  async print(options = {}) { return Buffer.from(await this.cmd("POST", "/print", options), "base64"); }
  /** Polls `fn` in the page until it returns a truthy value, which it
   * returns. The timeout only bounds a failure: a busy machine is slow, and
   * the test waits on what the page shows, not on a clock. */
  async waitFor(fn, args = [], { timeout = 120_000, interval = 50, what = String(fn) } = {}) {
    const t0 = Date.now();
    let last;
    for (;;) {
      last = await this.exec(fn, ...args);
      if (last) return last;
      if (Date.now() - t0 > timeout) throw new WebDriverError(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
      await new Promise((r) => setTimeout(r, interval));
    }
  }
  close() { return call(this.base, "DELETE", "", undefined).catch(() => {}); }
}

async function call(base, method, path, body) {
  const r = await fetch(base + path, {
    method,
    // A browser that died on start leaves the driver waiting for ever.
    signal: AbortSignal.timeout(120_000),
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { throw new WebDriverError(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`); }
  if (!r.ok || (json.value && json.value.error)) {
    const v = json.value || {};
    throw new WebDriverError(`${method} ${path}: ${v.error || r.status}: ${v.message || text.slice(0, 300)}`);
  }
  return json.value;
}
