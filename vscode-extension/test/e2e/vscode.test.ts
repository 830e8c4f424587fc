// End to end in a real VS Code (code-server 4.100, driven by headless Chromium): the .vsix
// installed as a user would, its bundled benchlens started on the example module, and what
// a Go developer sees checked on screen. Screenshots go to BENCHLENS_E2E_ARTIFACTS.
//
// Needs BENCHLENS_CODE_SERVER (installed by `make vscode-e2e`), Chromium and `go`; skips
// with the reason printed when one is missing.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Browser, chromium, Locator, Page } from "playwright-core";
import { CodeServer } from "./codeServer";

const EXTENSION_DIR = path.resolve(__dirname, "..", "..", "..");
const REPO_DIR = path.resolve(EXTENSION_DIR, "..");
const CODE_SERVER = process.env.BENCHLENS_CODE_SERVER ?? "";
const CHROMIUM = process.env.BENCHLENS_CHROMIUM ?? "/usr/bin/chromium";
const VSIX = process.env.BENCHLENS_VSIX ?? path.join(EXTENSION_DIR, "dist", "benchlens-linux-x64.vsix");
const GO_DIR = process.env.BENCHLENS_GO_DIR ?? "";
const ARTIFACTS = process.env.BENCHLENS_E2E_ARTIFACTS ?? path.join(REPO_DIR, "build", "vscode-e2e");

const TEST_FILE = "kafka/handler/handler_test.go";
const SMALL_LINE = 70; // `b.Run("small", ...)` in BenchmarkProduce

/** Why the test cannot run here, or undefined. */
function missing(): string | undefined {
  if (!CODE_SERVER || !fs.existsSync(CODE_SERVER)) {
    return `code-server not installed (BENCHLENS_CODE_SERVER=${CODE_SERVER || "unset"}); run it through make`;
  }
  if (!fs.existsSync(CHROMIUM)) {
    return `no Chromium at ${CHROMIUM}`;
  }
  if (!fs.existsSync(VSIX)) {
    return `no .vsix at ${VSIX}; build it with make vscode-package`;
  }
  if (!GO_DIR || !fs.existsSync(path.join(GO_DIR, "go"))) {
    return `no go in BENCHLENS_GO_DIR=${GO_DIR || "unset"}`;
  }
  return undefined;
}

async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The view line showing `text` (Monaco renders only the lines in view). */
function viewLine(page: Page, text: string): Locator {
  return page.locator(".monaco-editor .view-lines .view-line", { hasText: text }).first();
}

/** The code lens row drawn directly above the view line showing `text`. */
async function lensAbove(page: Page, text: string): Promise<Locator> {
  const line = await viewLine(page, text).boundingBox();
  assert.ok(line, `line with ${text} not on screen`);
  const lenses = page.locator(".monaco-editor .codelens-decoration");
  const count = await lenses.count();
  for (let i = 0; i < count; i++) {
    const box = await lenses.nth(i).boundingBox();
    // the lens row sits in a view zone that ends where the line starts
    if (box && box.y < line.y && line.y - (box.y + box.height) < line.height) {
      return lenses.nth(i);
    }
  }
  throw new Error(`no code lens directly above the line with ${text}`);
}

describe("benchlens in a real VS Code (code-server)", function () {
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let home: string;

  before(async function () {
    const why = missing();
    if (why !== undefined) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    home = fs.mkdtempSync(path.join(os.tmpdir(), "benchlens-e2e-"));
    workspace = path.join(home, "eventpipe");
    fs.cpSync(path.join(REPO_DIR, "examples"), workspace, { recursive: true });
    // Workspace settings travel to the server: fewer, shorter runs than the defaults.
    fs.mkdirSync(path.join(workspace, ".vscode"));
    fs.writeFileSync(
      path.join(workspace, ".vscode", "settings.json"),
      JSON.stringify({ "benchlens.run.count": 2, "benchlens.run.benchtime": { quick: "100ms" } }),
    );
    server = new CodeServer({
      executable: CODE_SERVER,
      home,
      path: [GO_DIR],
      userSettings: {
        "workbench.startupEditor": "none",
        "security.workspace.trust.enabled": false,
        "workbench.tips.enabled": false,
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "telemetry.telemetryLevel": "off",
        "editor.codeLens": true,
        "editor.hover.delay": 300,
        "editor.stickyScroll.enabled": false,
        "editor.minimap.enabled": false,
        // every protocol message in the output log, for the record when something fails
        "benchlens.trace.server": "verbose",
      },
    });
    const installed = server.installExtension(VSIX);
    assert.match(installed, /successfully installed/i);
    await server.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.url(workspace));
    await page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (home && !process.env.BENCHLENS_E2E_KEEP) {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page) {
      const file = await shot(page, `failed-${this.currentTest.title.replace(/\W+/g, "-")}`);
      console.log(`    screenshot of the failure: ${file}`);
    }
  });

  it("starts the bundled benchlens and shows the regression count in the status bar", async () => {
    const item = page.locator(".statusbar-item", { hasText: "2 regressions" });
    await item.waitFor({ timeout: 90_000 });
    await item.hover();
    const tooltip = page.locator(".monaco-hover:not(.hidden)", { hasText: "regressions" });
    await tooltip.waitFor({ timeout: 10_000 });
    const text = await tooltip.innerText();
    assert.match(text, /🔴 2 regressions/);
    assert.match(text, /🟢 3 improvements/);
    await shot(page, "01-status-bar");
    await page.mouse.move(800, 500);
    const output = server.logFiles().filter((f) => path.basename(f) === "benchlens.log");
    assert.ok(output.length > 0, "no benchlens output log");
    const log = output.map((f) => fs.readFileSync(f, "utf8")).join("\n");
    assert.match(log, /server: the bundled benchlens on python3 on PATH/);
  });

  it("lists the Produce/small regression in the Problems view", async () => {
    await page.keyboard.press("Control+Shift+M");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "Produce/small" });
    await row.first().waitFor({ timeout: 30_000 });
    assert.match(await row.first().innerText(), /regression: ns\/op: 354ns → 853ns/);
    await shot(page, "02-problems");
  });

  it("renders the 🔴 code lens above the b.Run(\"small\" line", async () => {
    await page.keyboard.press("Control+P");
    await page.keyboard.type(TEST_FILE);
    // click the row itself: Enter could pick handler.go, ranked first while results arrive
    await page
      .locator(".quick-input-list .monaco-list-row", { hasText: "handler_test.go" })
      .first()
      .click({ timeout: 30_000 });
    await page.locator(".tab.active", { hasText: "handler_test.go" }).waitFor({ timeout: 30_000 });
    await page.keyboard.press("Control+G");
    await page.keyboard.type(String(SMALL_LINE));
    await page.keyboard.press("Enter");
    await page.locator(".codelens-decoration", { hasText: "🔴" }).first().waitFor({ timeout: 30_000 });
    const lens = await lensAbove(page, 'b.Run("small"');
    const text = await lens.innerText();
    assert.match(text, /🔴 ns\/op \+141(\.\d)?%/);
    assert.match(text, /run benchmark/);
    await shot(page, "03-code-lens");
  });

  it("shows the go tool pprof command in the hover", async () => {
    const word = viewLine(page, 'b.Run("small"').locator("span", { hasText: /^"small",?$/ }).last();
    await word.hover();
    const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "go tool pprof" });
    await hover.first().waitFor({ timeout: 20_000 });
    assert.match(await hover.first().innerText(), /go tool pprof -http=:8080/);
    await shot(page, "04-hover");
    // the editor alone, as in the README (docs/vscode-regression.png)
    await page.locator(".part.editor").screenshot({ path: path.join(ARTIFACTS, "04-hover-editor.png") });
    await page.keyboard.press("Escape");
    await page.mouse.move(1500, 900);
  });

  it("runs the benchmark from the lens and updates the view", async function () {
    this.timeout(300_000);
    const results = path.join(workspace, "benchmark_results", "current.txt");
    const before = fs.readFileSync(results, "utf8");
    const lens = await lensAbove(page, 'b.Run("small"');
    const lensBefore = await lens.innerText();
    await lens.locator("a", { hasText: "run benchmark" }).click();
    // count 2 (a workspace setting): the merged result has 2 samples where there were 6
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "n=6+2" });
    const failure = page.locator(".notification-toast", { hasText: /benchlens: .*(not |fail|cannot)/ });
    const deadline = Date.now() + 240_000;
    while ((await row.count()) === 0) {
      if ((await failure.count()) > 0) {
        throw new Error(`the run failed: ${await failure.first().innerText()}`);
      }
      assert.ok(Date.now() < deadline, "the run did not update the Problems view within 240 s");
      await page.waitForTimeout(500);
    }
    assert.match(await row.first().innerText(), /Produce\/small-\d+ regression/);
    const after = fs.readFileSync(results, "utf8");
    assert.notEqual(after, before);
    assert.equal(after.match(/^BenchmarkProduce\/small-\d+\s/gm)?.length, 2);
    // the lens follows (workspace/codeLens/refresh): new numbers, still a regression
    let lensAfter = lensBefore;
    for (let i = 0; i < 60 && lensAfter === lensBefore; i++) {
      await page.waitForTimeout(500);
      lensAfter = await (await lensAbove(page, 'b.Run("small"')).innerText();
    }
    assert.notEqual(lensAfter, lensBefore, "the code lens was not refreshed after the run");
    assert.match(lensAfter, /^🔴 ns\/op/);
    await shot(page, "05-after-run");
  });

  it("registers no command twice (palette ids apart from the server's)", async () => {
    const logs = server.logFiles().map((f) => fs.readFileSync(f, "utf8")).join("\n");
    assert.doesNotMatch(logs, /command '[^']*' already exists/i);
    assert.doesNotMatch(server.output, /already exists/i);
  });
});
