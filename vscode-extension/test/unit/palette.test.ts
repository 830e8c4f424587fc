import * as assert from "node:assert/strict";
import { SERVER_COMMANDS } from "../../src/commandIds";
import {
  abArguments,
  ActionCommand,
  actionsFor,
  askedColumn,
  baselineOf,
  nothingAtCursor,
  refPlaceholder,
  refProblem,
} from "../../src/palette";

// The code actions the server answers on the `b.Run("small"` line of the example (see
// tests/lsp/test_editor.py): the benchmark's, its why?, its function's, the package's.
const folder = "file:///w/eventpipe";
const pkg = "example.com/eventpipe/kafka/handler";
const small = { folder, package: pkg, bench: "^BenchmarkProduce$/^small$", label: "BenchmarkProduce/small" };
const produce = { folder, package: pkg, bench: "^BenchmarkProduce$", label: "BenchmarkProduce" };
const atSmall: ActionCommand[] = [
  { title: "Run BenchmarkProduce/small", command: SERVER_COMMANDS.runBenchmark, arguments: [small] },
  { title: "Profile BenchmarkProduce/small", command: SERVER_COMMANDS.profile, arguments: [small] },
  {
    title: "Explain BenchmarkProduce/small",
    command: SERVER_COMMANDS.explain,
    arguments: [{ folder, package: pkg, name: "BenchmarkProduce/small" }],
  },
  { title: "Run BenchmarkProduce", command: SERVER_COMMANDS.runBenchmark, arguments: [produce] },
  { title: "Profile BenchmarkProduce", command: SERVER_COMMANDS.profile, arguments: [produce] },
  { title: `Run benchmarks of ${pkg}`, command: SERVER_COMMANDS.runPackage, arguments: [{ folder, package: pkg }] },
];

describe("palette commands at the cursor", () => {
  it("run and profile take the benchmark at the cursor before its function", () => {
    assert.deepEqual(actionsFor(atSmall, SERVER_COMMANDS.runBenchmark)[0].arguments, [small]);
    assert.deepEqual(actionsFor(atSmall, SERVER_COMMANDS.profile)[0].arguments, [small]);
  });

  it("asks about the statement when the cursor is in the line's indentation", () => {
    // `\tb.Run("small", ...`: column 0 is the tab, outside the call the server matches
    assert.equal(askedColumn(0, 1), 1);
    assert.equal(askedColumn(1, 1), 1);
    assert.equal(askedColumn(7, 1), 7);
    assert.equal(askedColumn(0, 0), 0); // `func BenchmarkX` at the start of its line
  });

  it("explain sends the server's own arguments: one exact benchmark name", () => {
    const found = actionsFor(atSmall, SERVER_COMMANDS.explain);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0].arguments, [{ folder, package: pkg, name: "BenchmarkProduce/small" }]);
  });

  it("finds no explain action where nothing regressed, and says what to do", () => {
    const unchanged = atSmall.filter((a) => a.command !== SERVER_COMMANDS.explain);
    assert.deepEqual(actionsFor(unchanged, SERVER_COMMANDS.explain), []);
    assert.match(nothingAtCursor(SERVER_COMMANDS.explain, SERVER_COMMANDS.explain), /no regressed benchmark/);
    assert.match(nothingAtCursor(SERVER_COMMANDS.runBenchmark, SERVER_COMMANDS.explain), /no benchmark at/);
  });
});

describe("Compare Against a Commit (A/B)", () => {
  it("leaves an empty ref to the server, and names the folder", () => {
    assert.deepEqual(abArguments("", folder), [{ folder }]);
    assert.deepEqual(abArguments("  ", undefined), [{}]);
    assert.deepEqual(abArguments(" main ", folder), [{ folder, ref: "main" }]);
    assert.deepEqual(abArguments("HEAD~3"), [{ ref: "HEAD~3" }]);
  });

  it("says in the prompt what an empty answer compares against", () => {
    const commit = "6a312bdd14375a1b9a0e0b6b2c2f5f7e8d9c0a1b";
    assert.match(refPlaceholder({ folder: "eventpipe", commit }), /baseline's commit 6a312bdd1437 /);
    assert.match(refPlaceholder({ folder: "eventpipe", hasBaseline: true }), /HEAD \(the baseline records no commit\)/);
    assert.match(refPlaceholder({ folder: "eventpipe", hasBaseline: false }), /HEAD \(no baseline saved yet\)/);
    assert.match(refPlaceholder(undefined), /^empty: HEAD/);
  });

  it("takes the baseline of the folder asked about, or the only one", () => {
    const api = { folder: "api", uri: "file:///w/api", commit: "aaa" };
    const worker = { folder: "worker", uri: "file:///w/worker", commit: "bbb" };
    assert.equal(baselineOf([api, worker], "file:///w/worker"), worker);
    assert.equal(baselineOf([api, worker], "file:///w/other"), undefined);
    assert.equal(baselineOf([api], undefined), api);
    assert.equal(baselineOf([], "file:///w/api"), undefined);
  });

  it("refuses a ref git would read as an option, or with spaces", () => {
    assert.equal(refProblem(""), undefined);
    assert.equal(refProblem("v1.2.0"), undefined);
    assert.equal(refProblem("origin/main"), undefined);
    assert.match(refProblem("--output=/tmp/x") ?? "", /cannot start with '-'/);
    assert.match(refProblem("main other") ?? "", /no spaces/);
  });
});
