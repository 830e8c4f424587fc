// Shared by the unit tests: the extension's manifest and the project's Python (with benchlens).

import * as fs from "node:fs";
import * as path from "node:path";

export const EXTENSION_DIR = path.resolve(__dirname, "..", "..", "..");
export const REPO_DIR = path.resolve(EXTENSION_DIR, "..");

export function manifest(): {
  contributes: {
    commands: { command: string; title: string; enablement?: string }[];
    menus: { commandPalette: { command: string; when?: string }[] };
    configuration: { properties: Record<string, { default?: unknown; scope?: string }> };
  };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  activationEvents: string[];
} {
  return JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, "package.json"), "utf8"));
}

/** The project's virtual environment's Python (benchlens installed), if it exists. */
export function projectPython(): string | undefined {
  const candidate = process.env.BENCHLENS_TEST_PYTHON ?? path.join(REPO_DIR, ".venv", "bin", "python");
  return fs.existsSync(candidate) ? candidate : undefined;
}
