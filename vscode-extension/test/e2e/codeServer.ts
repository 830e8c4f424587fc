// A real VS Code for the end-to-end test: code-server (VS Code in the browser) serving a
// workspace on 127.0.0.1 with the built .vsix installed, in folders of its own.

import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export interface CodeServerOptions {
  /** The `code-server` executable. */
  executable: string;
  /** A folder of the test's own: data, extensions and config go under it. */
  home: string;
  /** Folders put first on the server's PATH (for `go`). */
  path: string[];
  /** `User/settings.json`. */
  userSettings: Record<string, unknown>;
}

export class CodeServer {
  private process: ChildProcess | undefined;
  private log = "";
  port = 0;

  constructor(private readonly options: CodeServerOptions) {}

  get dataDir(): string {
    return path.join(this.options.home, "data");
  }

  get extensionsDir(): string {
    return path.join(this.options.home, "extensions");
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // Nothing of the project's virtual environment: the extension must find its own way.
    delete env.VIRTUAL_ENV;
    delete env.PYTHONPATH;
    return {
      ...env,
      PATH: [...this.options.path, "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
      XDG_CONFIG_HOME: path.join(this.options.home, "config"),
      XDG_DATA_HOME: path.join(this.options.home, "share"),
      // as if started from a terminal: VS Code then keeps this environment instead of
      // resolving the login shell's (whose PATH would not have the test's `go`)
      VSCODE_CLI: "1",
      GOTOOLCHAIN: "local",
      GOPROXY: "off",
      GOFLAGS: "-mod=mod",
    };
  }

  installExtension(vsix: string): string {
    return execFileSync(
      this.options.executable,
      ["--extensions-dir", this.extensionsDir, "--user-data-dir", this.dataDir, "--install-extension", vsix],
      { env: this.env(), encoding: "utf8", timeout: 120_000 },
    );
  }

  /** Start serving `folder`; resolves once it answers HTTP. */
  async start(): Promise<void> {
    const settings = path.join(this.dataDir, "User", "settings.json");
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify(this.options.userSettings, null, 2));
    this.port = await freePort();
    this.process = spawn(
      this.options.executable,
      [
        "--auth", "none",
        "--bind-addr", `127.0.0.1:${this.port}`,
        "--disable-telemetry",
        "--disable-update-check",
        "--user-data-dir", this.dataDir,
        "--extensions-dir", this.extensionsDir,
      ],
      { env: this.env(), detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    const collect = (chunk: Buffer) => {
      this.log += chunk.toString();
    };
    this.process.stdout?.on("data", collect);
    this.process.stderr?.on("data", collect);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error(`code-server exited (${this.process.exitCode}):\n${this.log}`);
      }
      try {
        const answer = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (answer.ok) {
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`code-server did not answer within 60 s:\n${this.log}`);
  }

  url(folder: string): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}`;
  }

  /** Ends code-server and everything it started (extension hosts, language servers). */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child?.pid === undefined || child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000, "timeout"));
    if ((await Promise.race([exited, timeout])) === "timeout") {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }

  /** Every log file VS Code wrote (window, extension host, output channels). */
  logFiles(): string[] {
    const root = path.join(this.dataDir, "logs");
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith(".log")) out.push(full);
      }
    };
    if (fs.existsSync(root)) walk(root);
    return out;
  }

  get output(): string {
    return this.log;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
