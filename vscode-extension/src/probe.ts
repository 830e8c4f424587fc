// Asking a Python about itself, and finding executables: the I/O behind selection.ts.
// Node only (no `vscode`), so the unit tests run it against real interpreters.

import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PythonInfo } from "./selection";

// Run in isolated mode (-I) from a neutral folder: nothing from the workspace is imported.
const PROBE = [
  "import json, sys",
  "try:",
  "    import benchlens",
  "    found = getattr(benchlens, '__version__', '?')",
  "except Exception:",
  "    found = None",
  "print(json.dumps({'version': list(sys.version_info[:2]), 'benchlens': found}))",
].join("\n");

const PROBE_TIMEOUT_MS = 15000;

/** What `python` says about itself: its version and whether it can import benchlens. */
export function probePython(python: string): Promise<PythonInfo | { error: string }> {
  return new Promise((resolve) => {
    execFile(
      python,
      ["-I", "-c", PROBE],
      { cwd: os.tmpdir(), timeout: PROBE_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (stderr.trim().split("\n").pop() ?? error.message);
          resolve({ error: why || error.message });
          return;
        }
        try {
          const answer = JSON.parse(stdout.trim().split("\n").pop() ?? "") as {
            version: [number, number];
            benchlens: string | null;
          };
          resolve({
            version: [answer.version[0], answer.version[1]],
            benchlens: answer.benchlens ?? undefined,
          });
        } catch {
          resolve({ error: `unexpected answer: ${stdout.trim().slice(0, 200)}` });
        }
      },
    );
  });
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) {
      return false;
    }
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The full path of `pathOrName`: a path (`~` expanded) if it is an executable file, or a
 *  bare name found on `searchPath`. */
export function findExecutable(
  pathOrName: string,
  searchPath: string = process.env.PATH ?? "",
): string | undefined {
  let name = pathOrName;
  if (name === "~" || name.startsWith("~/")) {
    name = path.join(os.homedir(), name.slice(1));
  }
  if (name.includes(path.sep) || name.includes("/")) {
    const full = path.resolve(name);
    return isExecutableFile(full) ? full : undefined;
  }
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const full = path.join(dir, name);
    if (isExecutableFile(full)) {
      return full;
    }
  }
  return undefined;
}
