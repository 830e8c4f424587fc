import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findExecutable, probePython } from "../../src/probe";
import { PythonInfo, Probe, selectServer, SelectionInputs } from "../../src/selection";
import { projectPython } from "./helpers";

/** A probe answering from a table, recording what was asked. */
function fakeProbe(table: Record<string, PythonInfo | { error: string }>): Probe & { asked: string[] } {
  const asked: string[] = [];
  const probe = async (python: string) => {
    asked.push(python);
    return table[python] ?? { error: "not found" };
  };
  return Object.assign(probe, { asked });
}

const bundled = { script: "/ext/bundled/tool/serve.py", abis: ["cp311", "cp312", "cp313", "cp314"] };
const none: SelectionInputs = { serverPath: "", interpreter: "", pathPythons: ["python3"], bundled };
const onPath = (found: Record<string, string>) => (name: string) => found[name];

describe("server selection", () => {
  it("uses benchlens.server.path first, without running any Python", async () => {
    const probe = fakeProbe({});
    const selection = await selectServer(
      { ...none, serverPath: "/opt/benchlens/bin/benchlens", interpreter: "/usr/bin/python3" },
      { probe, findExecutable: (p) => (p === "/opt/benchlens/bin/benchlens" ? p : undefined) },
    );
    assert.deepEqual(selection.server, {
      command: "/opt/benchlens/bin/benchlens",
      args: ["serve"],
      origin: "benchlens.server.path",
    });
    assert.deepEqual(probe.asked, []);
  });

  it("passes over a server.path that is not there, and says so", async () => {
    const probe = fakeProbe({ "/venv/bin/python": { version: [3, 12], benchlens: "0.1.0" } });
    const selection = await selectServer(
      { ...none, serverPath: "/nope/benchlens", interpreter: "/venv/bin/python" },
      { probe, findExecutable: () => undefined },
    );
    assert.equal(selection.server?.command, "/venv/bin/python");
    assert.deepEqual(selection.server?.args, ["-I", "-m", "benchlens", "serve"]);
    assert.match(selection.skipped[0], /benchlens.server.path: \/nope\/benchlens is not an executable/);
  });

  it("prefers benchlens.interpreter over the Python extension's interpreter", async () => {
    const probe = fakeProbe({
      "/a/python": { version: [3, 11], benchlens: "0.1.0" },
      "/b/python": { version: [3, 13], benchlens: "0.2.0" },
    });
    const selection = await selectServer(
      { ...none, interpreter: "/a/python", pythonExtension: "/b/python" },
      { probe, findExecutable: onPath({}) },
    );
    assert.equal(selection.server?.command, "/a/python");
    assert.match(selection.server!.origin, /benchlens 0.1.0 in benchlens.interpreter/);
  });

  it("takes the Python extension's interpreter when it has benchlens", async () => {
    const probe = fakeProbe({ "/b/python": { version: [3, 13], benchlens: "0.2.0" } });
    const selection = await selectServer(
      { ...none, pythonExtension: "/b/python" },
      { probe, findExecutable: onPath({ python3: "/usr/bin/python3" }) },
    );
    assert.equal(selection.server?.command, "/b/python");
    assert.match(selection.server!.origin, /the Python extension's interpreter/);
  });

  it("runs the bundled copy on the configured Python when it lacks benchlens", async () => {
    const probe = fakeProbe({ "/a/python": { version: [3, 12] } });
    const selection = await selectServer(
      { ...none, interpreter: "/a/python" },
      { probe, findExecutable: onPath({ python3: "/usr/bin/python3" }) },
    );
    assert.deepEqual(selection.server?.args, ["-I", bundled.script, "serve"]);
    assert.equal(selection.server?.command, "/a/python");
    // a configured interpreter is the one to use: PATH is not searched
    assert.deepEqual(probe.asked, ["/a/python"]);
    assert.match(selection.skipped.join("\n"), /has no benchlens installed/);
  });

  it("runs the bundled copy on python3 from PATH when nothing is configured", async () => {
    const probe = fakeProbe({
      "/b/python": { version: [3, 10] },
      "/usr/bin/python3": { version: [3, 11] },
    });
    const selection = await selectServer(
      { ...none, pythonExtension: "/b/python" },
      { probe, findExecutable: onPath({ python3: "/usr/bin/python3" }) },
    );
    assert.equal(selection.server?.command, "/usr/bin/python3");
    assert.deepEqual(selection.server?.args, ["-I", bundled.script, "serve"]);
    assert.match(selection.skipped[0], /is Python 3.10; benchlens needs 3.11 or newer/);
  });

  it("says what to do when no Python fits the bundled copy", async () => {
    const probe = fakeProbe({ "/usr/bin/python3": { version: [3, 15] } });
    const selection = await selectServer(none, {
      probe,
      findExecutable: onPath({ python3: "/usr/bin/python3" }),
    });
    assert.equal(selection.server, undefined);
    assert.match(selection.problem!, /needs Python 3.11, 3.12, 3.13, 3.14/);
    assert.match(selection.problem!, /no build for Python 3.15/);
    assert.match(selection.problem!, /sudo apt install python3/);
    assert.match(selection.problem!, /benchlens.interpreter/);
    assert.match(selection.problem!, /Restart Server/);
  });

  it("says what to do when there is no Python at all", async () => {
    const selection = await selectServer(
      { ...none, pathPythons: ["python3", "python"] },
      { probe: fakeProbe({}), findExecutable: onPath({}) },
    );
    assert.equal(selection.server, undefined);
    assert.match(selection.problem!, /python3: not found on PATH; python: not found on PATH/);
  });

  it("runs the bundled copy only where the .vsix carries it", async () => {
    const probe = fakeProbe({ "/usr/bin/python3": { version: [3, 12] } });
    const selection = await selectServer(
      { ...none, bundled: undefined },
      { probe, findExecutable: onPath({ python3: "/usr/bin/python3" }) },
    );
    assert.equal(selection.server, undefined);
    assert.match(selection.problem!, /Python 3.11 or newer/);
  });
});

describe("probing real interpreters", () => {
  it("finds this machine's python3 and its version", async function () {
    const python3 = findExecutable("python3");
    if (python3 === undefined) {
      this.skip();
    }
    const info = await probePython(python3!);
    assert.ok(!("error" in info), JSON.stringify(info));
    assert.equal((info as PythonInfo).version[0], 3);
  });

  it("sees benchlens in the project's virtual environment", async function () {
    const python = projectPython();
    if (python === undefined) {
      this.skip();
    }
    const info = await probePython(python!);
    assert.ok(!("error" in info), JSON.stringify(info));
    assert.match((info as PythonInfo).benchlens ?? "", /^\d+\.\d+/);
  });

  it("is not fooled by a benchlens module in the current folder (-I)", async function () {
    const python3 = findExecutable("python3");
    if (python3 === undefined) {
      this.skip();
    }
    // The probe runs from a neutral folder with -I; a folder on PYTHONPATH is not read either.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "benchlens-probe-"));
    fs.writeFileSync(path.join(dir, "benchlens.py"), "__version__ = 'planted'\n");
    const saved = process.env.PYTHONPATH;
    process.env.PYTHONPATH = dir;
    try {
      const info = await probePython(python3!);
      assert.notEqual((info as PythonInfo).benchlens, "planted");
    } finally {
      process.env.PYTHONPATH = saved;
      if (saved === undefined) delete process.env.PYTHONPATH;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a missing interpreter as an error, not an exception", async () => {
    const info = await probePython("/nonexistent/python3");
    assert.deepEqual(info, { error: "not found" });
  });

  it("finds executables by path or on PATH, not plain files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "benchlens-which-"));
    const tool = path.join(dir, "benchlens");
    fs.writeFileSync(tool, "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "notes"), "", { mode: 0o644 });
    try {
      assert.equal(findExecutable(tool), tool);
      assert.equal(findExecutable("benchlens", dir), tool);
      assert.equal(findExecutable("notes", dir), undefined);
      assert.equal(findExecutable(path.join(dir, "notes")), undefined);
      assert.equal(findExecutable(dir), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
