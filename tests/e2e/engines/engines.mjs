// The three browser engines of the cross-engine tests, each driven through
// its WebDriver server: WebKitGTK (Safari's engine: iPhones' browsers all
// use it) through WebKitWebDriver and a bare GTK window (webkit-browser.py),
// Firefox ESR through geckodriver, Chromium through chromedriver. All from
// Debian but geckodriver (crates.io); tests/e2e/run.sh installs them.
// E2E_ENGINES="webkit,firefox" picks some.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, CHROMIUM_ARGS } from "../chromium-flags.mjs";
import { Session, startDriver } from "./webdriver.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Where a program is: the first path of `candidates` that exists, else
 * the first on PATH. */
function which(...candidates) {
  for (const c of candidates) {
    if (c.includes("/")) { if (fs.existsSync(c)) return c; continue; }
    for (const dir of (process.env.PATH || "").split(":")) {
      const p = path.join(dir, c);
      if (fs.existsSync(p)) return p;
    }
  }
  return null;
}

/** One X server for the WebKit windows when there is no display (CI, ssh):
 * Xvfb picks a free display number and tells it on a pipe. */
let xvfb = null;
export async function display() {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  if (!xvfb) {
    xvfb = new Promise((resolve, reject) => {
      const bin = which("Xvfb");
      if (!bin) return reject(new Error("Xvfb is missing: apt-get install xvfb (tests/e2e/run.sh does)"));
      const proc = spawn(bin, ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], { stdio: ["ignore", "ignore", "ignore", "pipe"] });
      let out = "";
      proc.stdio[3].on("data", (d) => {
        out += d;
        if (!out.includes("\n")) return;
        // The X server lives as long as the test process, and must not keep it alive.
        proc.stdio[3].destroy();
        proc.unref();
        resolve({ proc, name: ":" + out.trim() });
      });
      proc.once("exit", (code) => reject(new Error(`Xvfb exited (${code})`)));
      process.once("exit", () => proc.kill());
    });
  }
  return (await xvfb).name;
}

export const ENGINES = {
  chromium: {
    name: "Chromium",
    driver: () => which("/usr/bin/chromedriver", "chromedriver"),
    // Overlay scrollbars, as on phones (a classic 15 px scrollbar would
    // narrow the page to less than the phone's width).
    capabilities: () => ({
      browserName: "chrome",
      "goog:chromeOptions": { binary: CHROMIUM, args: [...CHROMIUM_ARGS, "--hide-scrollbars", "--lang=zh-CN", "--window-size=360,740"] },
    }),
  },
  firefox: {
    name: "Firefox",
    driver: () => which(path.join(os.homedir(), ".cargo/bin/geckodriver"), "geckodriver"),
    driverArgs: ["--allow-system-access"],
    // Firefox's window is at least 450 px wide (a min-width on its own
    // browser.xhtml): prepare() lifts that through the chrome context, which
    // geckodriver opens only with --allow-system-access.
    capabilities: () => ({
      browserName: "firefox",
      "moz:firefoxOptions": {
        binary: which("/usr/bin/firefox-esr", "firefox-esr", "firefox"),
        args: ["-headless"],
        prefs: {
          "widget.gtk.overlay-scrollbars.enabled": true,
          "ui.useOverlayScrollbars": 1,
          "intl.accept_languages": "zh-CN, en",
          "browser.shell.checkDefaultBrowser": false,
        },
      },
    }),
    async prepare(s) {
      await s.cmd("POST", "/moz/context", { context: "chrome" });
      await s.exec(() => { document.documentElement.style.minWidth = "0"; });
      await s.cmd("POST", "/moz/context", { context: "content" });
    },
  },
  webkit: {
    name: "WebKit",
    driver: () => which("/usr/bin/WebKitWebDriver", "WebKitWebDriver"),
    capabilities: () => ({
      "webkitgtk:browserOptions": { binary: path.join(HERE, "webkit-browser.py"), args: ["--automation"] },
    }),
    env: async () => ({ DISPLAY: await display() }),
  },
};

export function selectedEngines() {
  const pick = (process.env.E2E_ENGINES || "chromium,webkit,firefox").split(",").map((s) => s.trim()).filter(Boolean);
  for (const e of pick) if (!ENGINES[e]) throw new Error(`unknown engine ${e} in E2E_ENGINES (one of ${Object.keys(ENGINES)})`);
  return pick;
}

/** Starts the engine's driver and one browser session. */
export async function openEngine(key) {
  const engine = ENGINES[key];
  const bin = engine.driver();
  if (!bin) throw new Error(`${engine.name}'s WebDriver server is missing: run tests/e2e/run.sh, which installs it`);
  const env = { ...process.env, ...(engine.env ? await engine.env() : {}) };
  const driver = await startDriver(bin, engine.driverArgs || [], env);
  let session;
  try {
    session = await Session.create(driver.base, engine.capabilities());
  } catch (e) {
    await driver.stop();
    throw new Error(`${engine.name}: no session: ${e.message}\n${driver.stderr()}`);
  }
  if (engine.prepare) await engine.prepare(session);
  return {
    key,
    name: engine.name,
    version: session.capabilities.browserVersion,
    session,
    /** Makes the page's viewport exactly width × height CSS pixels: the
     * window is the viewport plus whatever the browser draws around it,
     * measured once and subtracted. */
    async viewport(width, height) {
      const s = session;
      // A driver may answer before the page has its new size: wait until
      // two polls agree, then take the browser's chrome off and wait for
      // the exact size.
      const settled = async () => {
        let last = null;
        return s.waitFor(() => [window.innerWidth, window.innerHeight].join("x"), [], { interval: 100 }).then(async function poll(now) {
          if (now === last) return now.split("x").map(Number);
          last = now;
          await new Promise((r) => setTimeout(r, 100));
          return poll(await s.exec(() => [window.innerWidth, window.innerHeight].join("x")));
        });
      };
      let rect = { width, height };
      for (let attempt = 0; attempt < 5; attempt++) {
        await s.setWindowRect(rect);
        const [w, h] = await settled();
        if (w === width && h === height) return;
        // A stale size (the resize not yet applied) only costs another round.
        rect = { width: rect.width + width - w, height: rect.height + height - h };
      }
      throw new Error(`${engine.name}: no ${width}×${height} viewport`);
    },
    async close() {
      await session.close();
      await driver.stop();
    },
  };
}
