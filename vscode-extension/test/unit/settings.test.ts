import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  contributedSettings,
  Inspected,
  layersOf,
  restrictedSettings,
  serverKeyPath,
  serverSettings,
  START_SETTINGS,
} from "../../src/settings";
import { manifest, projectPython } from "./helpers";

describe("settings mapping", () => {
  const names = contributedSettings(manifest());

  it("reads every benchlens.* setting of the manifest", () => {
    assert.ok(names.includes("paths.baseline"));
    assert.ok(names.includes("run.count"));
    assert.ok(names.includes("severity.regression"));
    assert.ok(names.includes("server.path"));
    assert.ok(names.every((name) => !name.startsWith("benchlens.")));
  });

  it("maps dotted settings to nested server keys, renaming debounceMs", () => {
    assert.deepEqual(serverKeyPath("paths.baseline"), ["paths", "baseline"]);
    assert.deepEqual(serverKeyPath("run.benchtime"), ["run", "benchtime"]);
    assert.deepEqual(serverKeyPath("debounceMs"), ["debounce_ms"]);
    assert.deepEqual(serverKeyPath("alpha"), ["alpha"]);
  });

  it("keeps the extension's own settings away from the server", () => {
    for (const name of ["server.path", "interpreter", "trace.server"]) {
      assert.equal(serverKeyPath(name), undefined);
    }
    const all: Record<string, Inspected> = {
      "server.path": { globalValue: "/usr/local/bin/benchlens" },
      interpreter: { globalValue: "/usr/bin/python3" },
      "trace.server": { globalValue: "verbose" },
    };
    assert.deepEqual(serverSettings(Object.keys(all), (k) => all[k]), {});
  });

  it("sends only values someone set, the user's apart from the workspace's", () => {
    assert.deepEqual(layersOf({}), { user: undefined, workspace: undefined });
    assert.deepEqual(layersOf(undefined), { user: undefined, workspace: undefined });
    assert.deepEqual(layersOf({ globalValue: 1 }), { user: 1, workspace: undefined });
    assert.deepEqual(layersOf({ globalValue: 1, workspaceValue: 2 }), { user: 1, workspace: 2 });
    assert.deepEqual(layersOf({ workspaceValue: 2, workspaceFolderValue: 3 }), { user: undefined, workspace: 3 });
    // false and 0 are values too
    assert.deepEqual(layersOf({ globalValue: true, workspaceValue: false }), { user: true, workspace: false });
    assert.deepEqual(layersOf({ globalValue: 5, workspaceFolderValue: 0 }), { user: 5, workspace: 0 });
  });

  it("builds the nested object the server reads: the user's at the top, the workspace's in its table", () => {
    const values: Record<string, Inspected> = {
      "paths.baseline": { workspaceValue: "perf/base.txt" },
      "paths.history": { globalValue: "/home/me/bench-history" },
      "paths.current": {},
      "thresholds.latency": { globalValue: 10, workspaceFolderValue: 30 },
      "run.count": { workspaceValue: 2 },
      "run.benchtime": { workspaceValue: { quick: "200ms" } },
      "severity.regression": { globalValue: "error" },
      debounceMs: { globalValue: 50 },
      alpha: {},
      interpreter: { globalValue: "/usr/bin/python3", workspaceValue: "./evil" },
    };
    const settings = serverSettings(Object.keys(values), (k) => values[k]);
    assert.deepEqual(settings, {
      paths: { history: "/home/me/bench-history" },
      thresholds: { latency: 10 },
      severity: { regression: "error" },
      debounce_ms: 50,
      workspace: {
        paths: { baseline: "perf/base.txt" },
        thresholds: { latency: 30 },
        run: { count: 2, benchtime: { quick: "200ms" } },
      },
    });
    // nothing from the workspace: no table at all
    assert.deepEqual(serverSettings(["alpha"], () => ({ globalValue: 0.01 })), { alpha: 0.01 });
  });

  it("drops the workspace's values of restricted settings until the workspace is trusted", () => {
    const restricted = restrictedSettings(manifest());
    const values: Record<string, Inspected> = {
      "paths.baseline": { globalValue: "/home/me/base.txt", workspaceValue: "../../etc/x" },
      "run.flags": { workspaceValue: ["-exec", "./evil.sh"] },
      "run.go": { workspaceValue: "./go" },
      "run.count": { workspaceValue: 2 },
    };
    const inspect = (k: string) => values[k];
    assert.deepEqual(serverSettings(Object.keys(values), inspect, { trusted: false, restricted }), {
      paths: { baseline: "/home/me/base.txt" },
      workspace: { run: { count: 2 } },
    });
    assert.deepEqual(serverSettings(Object.keys(values), inspect, { trusted: true, restricted }), {
      paths: { baseline: "/home/me/base.txt" },
      workspace: {
        paths: { baseline: "../../etc/x" },
        run: { flags: ["-exec", "./evil.sh"], go: "./go", count: 2 },
      },
    });
  });

  it("restarts the server only for the settings that decide how it starts", () => {
    assert.deepEqual([...START_SETTINGS].sort(), ["interpreter", "server.path"]);
  });

  it("declares the settings that name programs or files as restricted in untrusted workspaces", () => {
    const m = manifest();
    const restricted = m.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.equal(m.capabilities.untrustedWorkspaces.supported, "limited");
    for (const name of ["benchlens.server.path", "benchlens.interpreter", "benchlens.run.go"]) {
      assert.ok(restricted.includes(name), name);
      assert.equal(m.contributes.configuration.properties[name].scope, "machine-overridable");
    }
    const files = names.filter((name) => name.startsWith("paths."));
    assert.equal(files.length, 4);
    for (const name of [...files, "run.flags"]) {
      assert.ok(restricted.includes(`benchlens.${name}`), name);
    }
    // every restricted setting is one the extension contributes (no typo makes it a no-op)
    for (const name of restricted) {
      assert.ok(name in m.contributes.configuration.properties, name);
    }
    assert.deepEqual([...restrictedSettings(m)].sort(), restricted.map((n) => n.slice(10)).sort());
  });

  it("has the server's defaults as the Settings UI defaults, and the server accepts every key", function () {
    // Every setting set explicitly to its manifest default, by the user and by the workspace,
    // through the real benchlens configuration loader: no unknown key, no invalid value, and
    // the same configuration as benchlens's own defaults.
    const python = projectPython();
    if (python === undefined) {
      this.skip();
    }
    const properties = manifest().contributes.configuration.properties;
    const defaults = (name: string) => properties[`benchlens.${name}`].default;
    for (const inspect of [
      (name: string) => ({ globalValue: defaults(name) }),
      (name: string) => ({ workspaceValue: defaults(name) }),
    ]) {
      const answer = loadWithBenchlens(python!, serverSettings(names, inspect));
      assert.deepEqual(answer.problems, []);
      assert.deepEqual(answer.issues, []);
      assert.equal(answer.same, true, "a manifest default differs from benchlens's default");
      assert.equal(answer.debounce, 0.2);
      assert.equal(answer.notifications, "onError");
    }
  });

  it("lets the user's paths point anywhere and keeps the workspace's inside it (real server)", function () {
    const python = projectPython();
    if (python === undefined) {
      this.skip();
    }
    const values: Record<string, Inspected> = {
      "paths.history": { globalValue: "/home/me/bench-history" },
      "paths.baseline": { workspaceValue: "../elsewhere/baseline.txt" },
      "paths.report": { workspaceFolderValue: "/tmp/report.md" },
      "paths.current": { workspaceValue: "perf/current.txt" },
    };
    const answer = loadWithBenchlens(python!, serverSettings(Object.keys(values), (k) => values[k]));
    assert.equal(answer.paths.history, "/home/me/bench-history");
    assert.deepEqual(answer.user_paths, ["history"]);
    assert.equal(answer.paths.baseline, "benchmark_results/baseline.txt", "the default is kept");
    assert.equal(answer.paths.report, "benchmark_results/regression_report.md");
    assert.equal(answer.paths.current, "perf/current.txt");
    assert.deepEqual(
      answer.issues.map((issue: string) => issue.replace(/ resolves to .*/, "")),
      [
        "workspace settings: paths.baseline: '../elsewhere/baseline.txt'",
        "workspace settings: paths.report: '/tmp/report.md'",
      ],
    );
  });
});

/** `settings` as the server takes them (split_server_options, then load_config) in an empty
 *  workspace: problems, issues, and the configuration's paths (relative when inside). */
function loadWithBenchlens(python: string, settings: unknown): any {
  const script = [
    "import dataclasses, json, sys",
    "from pathlib import Path",
    "from benchlens.config import default_config, load_config, relative",
    "from benchlens.lsp.settings import split_server_options",
    "settings = json.loads(sys.stdin.read())",
    "root = Path(sys.argv[1]).resolve()",
    "config_settings, options, problems = split_server_options(settings)",
    "config, issues = load_config(root, config_settings)",
    "# where each value came from differs by design: only the values are compared",
    "plain = lambda c: {k: v for k, v in dataclasses.asdict(c).items() if k not in ('sources', 'user_paths')}",
    "paths = {n: relative(config, getattr(config, n)) for n in ('baseline', 'current', 'history', 'report')}",
    "print(json.dumps({'problems': problems, 'issues': [str(i) for i in issues],",
    "  'same': plain(config) == plain(default_config(root)), 'debounce': options.debounce,",
    "  'notifications': options.notifications.value, 'paths': paths,",
    "  'user_paths': sorted(config.user_paths)}))",
  ].join("\n");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "benchlens-settings-"));
  try {
    return JSON.parse(
      execFileSync(python, ["-c", script, root], { input: JSON.stringify(settings) }).toString(),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
