import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  contributedSettings,
  explicitValue,
  Inspected,
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

  it("sends only values someone set, the most specific scope winning", () => {
    assert.equal(explicitValue({}), undefined);
    assert.equal(explicitValue(undefined), undefined);
    assert.equal(explicitValue({ globalValue: 1 }), 1);
    assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2 }), 2);
    assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2, workspaceFolderValue: 3 }), 3);
    // false and 0 are values too
    assert.equal(explicitValue({ globalValue: true, workspaceValue: false }), false);
    assert.equal(explicitValue({ globalValue: 5, workspaceFolderValue: 0 }), 0);
  });

  it("builds the nested object the server reads", () => {
    const values: Record<string, Inspected> = {
      "paths.baseline": { workspaceValue: "perf/base.txt" },
      "paths.current": {},
      "thresholds.latency": { globalValue: 10, workspaceFolderValue: 30 },
      "run.count": { workspaceValue: 2 },
      "run.benchtime": { workspaceValue: { quick: "200ms" } },
      "severity.regression": { globalValue: "error" },
      debounceMs: { globalValue: 50 },
      alpha: {},
      interpreter: { globalValue: "/usr/bin/python3" },
    };
    const settings = serverSettings(Object.keys(values), (k) => values[k]);
    assert.deepEqual(settings, {
      paths: { baseline: "perf/base.txt" },
      thresholds: { latency: 30 },
      run: { count: 2, benchtime: { quick: "200ms" } },
      severity: { regression: "error" },
      debounce_ms: 50,
    });
  });

  it("restarts the server only for the settings that decide how it starts", () => {
    assert.deepEqual([...START_SETTINGS].sort(), ["interpreter", "server.path"]);
  });

  it("declares the settings that name programs as restricted in untrusted workspaces", () => {
    const m = manifest();
    const restricted = m.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.equal(m.capabilities.untrustedWorkspaces.supported, "limited");
    for (const name of ["benchlens.server.path", "benchlens.interpreter", "benchlens.run.go"]) {
      assert.ok(restricted.includes(name), name);
      assert.equal(m.contributes.configuration.properties[name].scope, "machine-overridable");
    }
  });

  it("has the server's defaults as the Settings UI defaults, and the server accepts every key", function () {
    // Every setting set explicitly to its manifest default, through the real benchlens
    // configuration loader: no unknown key, no invalid value, and the same configuration
    // as benchlens's own defaults.
    const python = projectPython();
    if (python === undefined) {
      this.skip();
    }
    const properties = manifest().contributes.configuration.properties;
    const settings = serverSettings(names, (name) => ({
      globalValue: properties[`benchlens.${name}`].default,
    }));
    const script = [
      "import dataclasses, json, sys",
      "from pathlib import Path",
      "from benchlens.config import default_config, load_config",
      "from benchlens.lsp.settings import split_server_options",
      "settings = json.loads(sys.stdin.read())",
      "root = Path(sys.argv[1])",
      "config_settings, options, problems = split_server_options(settings)",
      "config, issues = load_config(root, config_settings)",
      "# where each value came from differs by design: only the values are compared",
      "plain = lambda c: {k: v for k, v in dataclasses.asdict(c).items() if k not in ('sources', 'user_paths')}",
      "print(json.dumps({'problems': problems, 'issues': [str(i) for i in issues],",
      "  'same': plain(config) == plain(default_config(root)), 'debounce': options.debounce,",
      "  'notifications': options.notifications.value}))",
    ].join("\n");
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "benchlens-settings-"));
    const answer = JSON.parse(
      execFileSync(python!, ["-c", script, root], { input: JSON.stringify(settings) }).toString(),
    );
    fs.rmSync(root, { recursive: true, force: true });
    assert.deepEqual(answer.problems, []);
    assert.deepEqual(answer.issues, []);
    assert.equal(answer.same, true, "a manifest default differs from benchlens's default");
    assert.equal(answer.debounce, 0.2);
    assert.equal(answer.notifications, "onError");
  });
});
