// The end-to-end tests' workbench: a copy of examples/, code-server with the built .vsix
// installed, and headless Chromium showing it; plus the few ways of reading the screen.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Browser, chromium, Locator, Page } from "playwright-core";
import { CodeServer } from "./codeServer";

const EXTENSION_DIR = path.resolve(__dirname, "..", "..", "..");
export const REPO_DIR = path.resolve(EXTENSION_DIR, "..");
const CODE_SERVER = process.env.BENCHLENS_CODE_SERVER ?? "";
const CHROMIUM = process.env.BENCHLENS_CHROMIUM ?? "/usr/bin/chromium";
const VSIX = process.env.BENCHLENS_VSIX ?? path.join(EXTENSION_DIR, "dist", "benchlens-linux-x64.vsix");
const GO_DIR = process.env.BENCHLENS_GO_DIR ?? "";
export const ARTIFACTS =
  process.env.BENCHLENS_E2E_ARTIFACTS ?? path.join(REPO_DIR, "build", "vscode-e2e");

/** Why the tests cannot run here, or undefined. */
export function missing(): string | undefined {
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

export interface Workbench {
  server: CodeServer;
  browser: Browser;
  page: Page;
  /** The copy of examples/ that is open. */
  workspace: string;
  close(): Promise<void>;
}

/** code-server on a fresh copy of examples/ with the .vsix installed, open in Chromium.
 *  `trust`: false leaves workspace trust on (a new folder opens in Restricted Mode). */
export async function openWorkbench(options: {
  trust: boolean;
  workspaceSettings?: Record<string, unknown>;
}): Promise<Workbench> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "benchlens-e2e-"));
  const workspace = path.join(home, "eventpipe");
  fs.cpSync(path.join(REPO_DIR, "examples"), workspace, { recursive: true });
  if (options.workspaceSettings) {
    fs.mkdirSync(path.join(workspace, ".vscode"));
    fs.writeFileSync(
      path.join(workspace, ".vscode", "settings.json"),
      JSON.stringify(options.workspaceSettings),
    );
  }
  const server = new CodeServer({
    executable: CODE_SERVER,
    home,
    path: [GO_DIR],
    userSettings: {
      "workbench.startupEditor": "none",
      "security.workspace.trust.enabled": !options.trust,
      "workbench.tips.enabled": false,
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      "telemetry.telemetryLevel": "off",
      "editor.codeLens": true,
      "editor.hover.delay": 300,
      "editor.stickyScroll.enabled": false,
      "editor.minimap.enabled": false,
    },
  });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    if (!process.env.BENCHLENS_E2E_KEEP) {
      fs.rmSync(home, { recursive: true, force: true });
    }
  };
  try {
    assert.match(server.installExtension(VSIX), /successfully installed/i);
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
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.url(workspace));
    await page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
    return { server, browser, page, workspace, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Quick Open `file`, then go to `line` (code lenses are drawn only for lines in view). */
export async function openFile(page: Page, file: string, line: number): Promise<void> {
  await page.keyboard.press("Control+P");
  await page.keyboard.type(file);
  // click the row itself: Enter could pick another file, ranked first while results arrive
  await page
    .locator(".quick-input-list .monaco-list-row", { hasText: path.basename(file) })
    .first()
    .click({ timeout: 30_000 });
  await page.locator(".tab.active", { hasText: path.basename(file) }).waitFor({ timeout: 30_000 });
  // type the line only once Go to Line is open (else the digits land in the editor), and
  // return only once the cursor is there (the cursor commands read it)
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input.input").first().waitFor({ timeout: 30_000 });
  await page.keyboard.type(String(line));
  // Enter before the picker has read the number is dropped
  await page
    .locator(".quick-input-list .monaco-list-row", { hasText: `Go to line ${line}` })
    .first()
    .waitFor({ timeout: 30_000 });
  await page.keyboard.press("Enter");
  await page
    .locator('[id="status.editor.selection"]', { hasText: new RegExp(`^Ln ${line}, Col`) })
    .waitFor({ timeout: 30_000 });
}

/** The view line showing `text` (Monaco renders only the lines in view). */
export function viewLine(page: Page, text: string): Locator {
  return page.locator(".monaco-editor .view-lines .view-line", { hasText: text }).first();
}

/** The code lens row drawn directly above the view line showing `text`. */
export async function lensAbove(page: Page, text: string): Promise<Locator> {
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

/** The extension's output log (its LogOutputChannel, as VS Code writes it to disk). */
export function benchlensLog(server: CodeServer): string {
  const files = server.logFiles().filter((f) => path.basename(f) === "benchlens.log");
  assert.ok(files.length > 0, "no benchlens output log");
  return files.map((f) => fs.readFileSync(f, "utf8")).join("\n");
}
