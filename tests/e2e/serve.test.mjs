// `grassroots serve` as an editor sees it in the browser: a saved body edit
// reloads the page with the new text; a change the server must rebuild the
// whole site for (config.toml) covers the page with "rebuilding… (config.toml)"
// until the new build arrives; a broken save shows the error with its file
// and line over the last good page. The release binary serves a copy of the
// fixture site on a free port; every wait is on a page event or state.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { E2E_DIR, REPO, launch } from "./helpers.mjs";

const BIN = path.join(REPO, "target/release/grassroots");
let b, site, serve, base;

// Starts `grassroots serve` and resolves with its URL once it prints it.
function startServe(dir) {
  const child = spawn(BIN, ["serve", dir, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const url = new Promise((resolve, reject) => {
    child.stderr.on("data", (d) => {
      log += d;
      const m = /serving (http:\/\/\S+)/.exec(log);
      if (m) resolve(m[1].endsWith("/") ? m[1] : m[1] + "/");
    });
    child.on("exit", (code) => reject(new Error(`grassroots serve exited (${code}):\n${log}`)));
  });
  return { child, url, log: () => log };
}

before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), "grassroots-e2e-serve-"));
  fs.cpSync(path.join(E2E_DIR, "fixture-site"), site, { recursive: true });
  serve = startServe(site);
  base = await serve.url;
  b = await launch();
  // Every document the page loads records the live-reload overlays it showed,
  // in sessionStorage, so the record survives the reload that ends a build.
  await b.context.addInitScript(() => {
    new MutationObserver(() => {
      for (const id of ["grassroots-rebuilding", "grassroots-error-overlay"]) {
        const el = document.getElementById(id);
        if (el) sessionStorage.setItem("seen:" + id, el.textContent);
      }
    }).observe(document, { childList: true, subtree: true });
  });
});

after(async () => {
  await b?.close();
  serve?.child.kill("SIGINT");
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

// Opens the page and waits until its live-reload stream said hello.
async function open(rel) {
  const page = await b.newPage();
  const hello = page.waitForResponse((r) => r.url().includes("__grassroots/events"));
  await page.goto(new URL(rel, base).href);
  await hello;
  return page;
}

const seen = (page, id) => page.evaluate((id) => sessionStorage.getItem("seen:" + id), id);

function edit(rel, change) {
  const file = path.join(site, rel);
  fs.writeFileSync(file, change(fs.readFileSync(file, "utf8")));
}

test("a saved body edit reloads the page with the new text, without the rebuilding cover", async () => {
  const page = await open("wide/");
  edit("content/wide.md", (t) => t.replace("## 宽表格", "刚刚保存的一句话。\n\n## 宽表格"));
  await page.waitForFunction(() => document.body.innerText.includes("刚刚保存的一句话"));
  assert.equal(await seen(page, "grassroots-rebuilding"), null);
  await page.close();
});

test("a config change covers the page with 'rebuilding… (config.toml)' until the new build loads", async () => {
  const page = await open("");
  const before = await page.title();
  edit("config.toml", (t) => t.replace(/^title = "([^"]*)"/m, 'title = "$1（新）"'));
  await page.waitForFunction((t) => document.title !== t && document.title.includes("（新）"), before);
  const cover = await seen(page, "grassroots-rebuilding");
  assert.match(cover ?? "", /rebuilding… \(config\.toml\)/);
  // The new build replaced the page: no cover is left on it.
  assert.equal(await page.locator("#grassroots-rebuilding").count(), 0);
  await page.close();
});

test("a broken save shows its file and line over the last good page, and the fix clears it", async () => {
  const page = await open("wide/");
  const good = fs.readFileSync(path.join(site, "content/wide.md"), "utf8");
  edit("content/wide.md", (t) => t.replace(/^title = .*$/m, "title = "));
  const overlay = page.locator("#grassroots-error-overlay");
  await overlay.waitFor({ state: "visible" });
  const text = await overlay.innerText();
  assert.match(text, /wide\.md:2/);
  // The last good page is still what the reader sees underneath.
  assert.ok((await page.locator("main h1").innerText()).includes("宽内容"));
  fs.writeFileSync(path.join(site, "content/wide.md"), good.replace("## 长中文段落", "修好了。\n\n## 长中文段落"));
  await page.waitForFunction(() => document.body.innerText.includes("修好了") && !document.getElementById("grassroots-error-overlay"));
  await page.close();
});
