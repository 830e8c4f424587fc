// End to end in a real VS Code (code-server 4.100, driven by headless Chromium): the .vsix
// installed as a user would, its bundled benchlens started on the example module, and what
// a Go developer sees checked on screen. Screenshots go to BENCHLENS_E2E_ARTIFACTS.
//
// Needs BENCHLENS_CODE_SERVER (installed by `make vscode-e2e`), Chromium and `go`; skips
// with the reason printed when one is missing.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Page } from "playwright-core";
import { CodeServer } from "./codeServer";
import {
  ARTIFACTS,
  benchlensLog,
  lensAbove,
  missing,
  openFile,
  openWorkbench,
  shot,
  viewLine,
  Workbench,
} from "./workbench";

const TEST_FILE = "kafka/handler/handler_test.go";
const SMALL_LINE = 70; // `b.Run("small", ...)` in BenchmarkProduce
const SMALL = 'b.Run("small"';
const LARGE_LINE = 73; // `b.Run("large", ...)`

/** Run a command from the palette by its title. */
async function palette(page: Page, title: string): Promise<void> {
  await page.keyboard.press("Control+Shift+P");
  await page.keyboard.type(title);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().click({ timeout: 30_000 });
}

describe("benchlens in a real VS Code (code-server)", function () {
  let bench: Workbench;
  let server: CodeServer;
  let page: Page;
  let workspace: string;

  before(async function () {
    const why = missing();
    if (why !== undefined) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    // Workspace settings travel to the server: fewer, shorter runs than the defaults.
    bench = await openWorkbench({
      trust: true,
      workspaceSettings: { "benchlens.run.count": 2, "benchlens.run.benchtime": { quick: "100ms" } },
    });
    ({ server, page, workspace } = bench);
  });

  after(async () => {
    await bench?.close();
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
    // the baseline's commit, from the server's benchlens.status (examples/…/baseline.txt)
    assert.match(text, /Baseline: commit 6a312bdd1437/);
    await shot(page, "01-status-bar");
    await page.mouse.move(800, 500);
    assert.match(benchlensLog(server), /server: the bundled benchlens on python3 on PATH/);
  });

  it("lists the Produce/small regression in the Problems view", async () => {
    await page.keyboard.press("Control+Shift+M");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "Produce/small" });
    await row.first().waitFor({ timeout: 30_000 });
    assert.match(await row.first().innerText(), /regression: ns\/op: 354ns → 853ns/);
    await shot(page, "02-problems");
  });

  it("renders the 🔴 code lens above the b.Run(\"small\" line", async () => {
    await openFile(page, TEST_FILE, SMALL_LINE);
    await page.locator(".codelens-decoration", { hasText: "🔴" }).first().waitFor({ timeout: 30_000 });
    const lens = await lensAbove(page, SMALL);
    const text = await lens.innerText();
    assert.match(text, /🔴 ns\/op \+141(\.\d)?%/);
    assert.match(text, /run benchmark/);
    assert.match(text, /why\?/); // a regression: benchlens.explainRegression from the lens
    await shot(page, "03-code-lens");
  });

  it("shows the go tool pprof command in the hover", async () => {
    const word = viewLine(page, SMALL).locator("span", { hasText: /^"small",?$/ }).last();
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

  it("explains the regression at the cursor from the palette (the server's why? action)", async () => {
    await openFile(page, TEST_FILE, SMALL_LINE);
    await palette(page, "benchlens: Explain Regression at Cursor");
    // This copy of examples/ is no git repository, so the server soon answers, for this
    // benchmark, that the baseline's commit is not there to profile.
    const toast = page.locator(".notification-toast", { hasText: "BenchmarkProduce/small:" });
    await toast.first().waitFor({ timeout: 60_000 });
    assert.match(await toast.first().innerText(), /6a312bdd1437/);
    await palette(page, "Notifications: Clear All Notifications");
  });

  it("runs the benchmark from the lens and updates the view", async function () {
    this.timeout(300_000);
    const results = path.join(workspace, "benchmark_results", "current.txt");
    const before = fs.readFileSync(results, "utf8");
    const lens = await lensAbove(page, SMALL);
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
      lensAfter = await (await lensAbove(page, SMALL)).innerText();
    }
    assert.notEqual(lensAfter, lensBefore, "the code lens was not refreshed after the run");
    assert.match(lensAfter, /^🔴 ns\/op/);
    await shot(page, "05-after-run");
  });

  it("runs the benchmark at the cursor from the palette (its own command id)", async function () {
    this.timeout(300_000);
    await page.keyboard.press("Escape");
    await openFile(page, TEST_FILE, LARGE_LINE);
    await palette(page, "benchlens: Run Benchmark at Cursor");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: /Produce\/large.*n=6\+2/ });
    await row.first().waitFor({ timeout: 240_000 });
  });

  it("saves the baseline from the palette: the status bar says no regressions", async () => {
    await palette(page, "benchlens: Save Current Results as Baseline");
    await page.locator(".statusbar-item", { hasText: "no regressions" }).waitFor({ timeout: 60_000 });
    const baseline = fs.readFileSync(path.join(workspace, "benchmark_results", "baseline.txt"), "utf8");
    const current = fs.readFileSync(path.join(workspace, "benchmark_results", "current.txt"), "utf8");
    assert.ok(baseline.endsWith(current));
    // the lenses follow: baseline == current, so no 🔴 any more
    const deadline = Date.now() + 30_000;
    let lens = "🔴";
    while (lens.includes("🔴")) {
      assert.ok(Date.now() < deadline, `the lens still says ${lens} after the baseline was saved`);
      await page.waitForTimeout(500);
      lens = await lensAbove(page, 'b.Run("large"')
        .then((found) => found.innerText())
        .catch(() => "🔴");
    }
    assert.match(lens, /✅/);
    await shot(page, "06-baseline-saved");
  });

  it("restarts on benchlens.interpreter: a Python with benchlens installed is used", async function () {
    const python = process.env.BENCHLENS_TEST_PYTHON;
    if (!python) {
      console.log("    skipped: BENCHLENS_TEST_PYTHON not set");
      this.skip();
    }
    const settings = path.join(workspace, ".vscode", "settings.json");
    const current = JSON.parse(fs.readFileSync(settings, "utf8"));
    fs.writeFileSync(settings, JSON.stringify({ ...current, "benchlens.interpreter": python }));
    const deadline = Date.now() + 60_000;
    while (!/starting the server \(settings changed/.test(benchlensLog(server))) {
      assert.ok(Date.now() < deadline, "no restart after benchlens.interpreter changed");
      await page.waitForTimeout(500);
    }
    while (!/server: benchlens [\d.]+ in benchlens.interpreter/.test(benchlensLog(server))) {
      assert.ok(Date.now() < deadline, "the interpreter's benchlens was not used");
      await page.waitForTimeout(500);
    }
    await page.locator(".statusbar-item", { hasText: "no regressions" }).waitFor({ timeout: 60_000 });
    // the new server's lenses replace the old one's
    await page.locator(".codelens-decoration", { hasText: "run benchmark" }).first().waitFor({ timeout: 60_000 });
  });

  it("compares against a commit from the palette: the ref typed reaches the server", async () => {
    await palette(page, "benchlens: Compare Against a Commit (A/B)");
    const input = page.locator(".quick-input-widget:not([style*='display: none']) input.input").first();
    await input.waitFor({ timeout: 30_000 });
    // what an empty answer means, from benchlens.status: the baseline saved here has no commit
    assert.match((await input.getAttribute("placeholder")) ?? "", /^empty: HEAD/);
    await input.fill("no-such-ref");
    await page.keyboard.press("Enter");
    const toast = page.locator(".notification-toast", { hasText: "no-such-ref" });
    await toast.first().waitFor({ timeout: 60_000 });
    assert.match(await toast.first().innerText(), /no-such-ref: not a commit/);
    // the screenshot once the toast has slid in
    await toast.first().evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a: { finished: Promise<unknown> }) => a.finished)));
    await shot(page, "09-ab-refused");
  });

  it("registers no command twice (palette ids apart from the server's)", async () => {
    const logs = server.logFiles().map((f) => fs.readFileSync(f, "utf8")).join("\n");
    assert.doesNotMatch(logs, /command '[^']*' already exists/i);
    assert.doesNotMatch(server.output, /already exists/i);
  });
});

describe("benchlens in Restricted Mode (workspace trust)", function () {
  let bench: Workbench;
  let page: Page;

  before(async function () {
    const why = missing();
    if (why !== undefined) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    bench = await openWorkbench({ trust: false });
    page = bench.page;
  });

  after(async () => {
    await bench?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page) {
      const file = await shot(page, `failed-trust-${this.currentTest.title.replace(/\W+/g, "-")}`);
      console.log(`    screenshot of the failure: ${file}`);
    }
  });

  it("reads and compares results, without run or profile lenses, until trusted", async () => {
    await page.getByRole("button", { name: "No, I don't trust the authors" }).click({ timeout: 60_000 });
    await page.locator(".statusbar-item", { hasText: "2 regressions" }).waitFor({ timeout: 90_000 });
    await openFile(page, TEST_FILE, SMALL_LINE);
    await page.locator(".codelens-decoration", { hasText: "🔴" }).first().waitFor({ timeout: 30_000 });
    const lens = await (await lensAbove(page, SMALL)).innerText();
    assert.match(lens, /🔴 ns\/op/);
    assert.doesNotMatch(lens, /run benchmark|profile/);
    assert.match(benchlensLog(bench.server), /starting the server \(activation; workspace not trusted\)/);
    await shot(page, "07-restricted-mode");
  });

  it("restarts the server trusted when trust is granted: the run lens appears", async () => {
    await palette(page, "Manage Workspace Trust");
    await page.getByRole("button", { name: /^Trust( Folder)?$/ }).first().click({ timeout: 30_000 });
    await openFile(page, TEST_FILE, SMALL_LINE);
    // The server restarts: until it answers, there are no lenses at all.
    const deadline = Date.now() + 90_000;
    let lens = "";
    while (!/run benchmark/.test(lens)) {
      assert.ok(Date.now() < deadline, `no run lens after trust was granted: ${lens}`);
      await page.waitForTimeout(500);
      lens = await lensAbove(page, SMALL)
        .then((found) => found.innerText())
        .catch(() => "");
    }
    assert.match(benchlensLog(bench.server), /starting the server \(workspace trusted; workspace trusted\)/);
    await shot(page, "08-trusted");
  });
});
