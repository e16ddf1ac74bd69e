// How this workplace runs Debian's Chromium headless: no sandbox (root), no
// GPU, and no background networking (the machine has no network but the
// package registries). Shared by the browser tests and bench/; no imports,
// so bench/ can use it without the tests' npm packages.
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
