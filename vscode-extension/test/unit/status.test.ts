import * as assert from "node:assert/strict";
import { baselinesOf, countStatuses, DiagnosticLike, statusText, statusTooltip } from "../../src/status";

const regression: DiagnosticLike = { source: "benchlens", code: "regression" };
const improvement: DiagnosticLike = { source: "benchlens", code: "improvement" };

describe("status bar counting", () => {
  it("counts benchlens diagnostics per status", () => {
    const counts = countStatuses([
      regression,
      regression,
      improvement,
      { source: "benchlens", code: "missing" },
      { source: "benchlens", code: { value: "new" } },
    ]);
    assert.deepEqual(counts, { regression: 2, improvement: 1, missing: 1, new: 1 });
  });

  it("ignores other sources, configuration problems and unknown codes", () => {
    const counts = countStatuses([
      { source: "gopls", code: "regression" },
      { source: "benchlens", code: "config" },
      { source: "benchlens", code: 7 },
      { source: "benchlens" },
      { code: "regression" },
    ]);
    assert.deepEqual(counts, { regression: 0, improvement: 0, missing: 0, new: 0 });
  });

  it("says how many regressions, or none", () => {
    assert.equal(statusText(countStatuses([regression, regression])), "$(graph) 2 regressions");
    assert.equal(statusText(countStatuses([regression, improvement])), "$(graph) 1 regression");
    assert.equal(statusText(countStatuses([improvement])), "$(check) no regressions");
    assert.equal(statusText(countStatuses([])), "$(check) no regressions");
  });

  it("lists the counts per status and the baseline's commit in the tooltip", () => {
    const counts = countStatuses([regression, regression, improvement]);
    const tooltip = statusTooltip(counts, [
      { folder: "eventpipe", commit: "0123456789abcdef0123", date: "2026-11-30T10:00:00Z" },
    ]);
    assert.match(tooltip, /🔴 2 regressions/);
    assert.match(tooltip, /🟢 1 improvement\n/);
    assert.match(tooltip, /⚠️ 0 missing/);
    assert.match(tooltip, /🆕 0 new/);
    assert.match(tooltip, /Baseline: commit `0123456789ab` \(2026-11-30T10:00:00Z\)/);
    assert.doesNotMatch(tooltip, /of eventpipe/);
  });

  it("names each folder's baseline in a multi-root workspace", () => {
    const tooltip = statusTooltip(countStatuses([]), [
      { folder: "api", commit: "aaaaaaa" },
      { folder: "worker" },
    ]);
    assert.match(tooltip, /Baseline of api: commit `aaaaaaa`/);
    assert.match(tooltip, /Baseline of worker: no commit recorded/);
  });

  it("says when a folder has no baseline yet", () => {
    const tooltip = statusTooltip(countStatuses([]), [{ folder: "api", hasBaseline: false }]);
    assert.match(tooltip, /Baseline: none yet \(benchlens: Save Current Results as Baseline\)/);
  });

  it("reads the folders of the server's benchlens.status answer", () => {
    const answer = {
      status: "ok",
      folders: [
        { folder: "file:///w/api", name: "api", commit: "abc", date: null, hasBaseline: true },
        { folder: "file:///w/worker", commit: "", hasBaseline: false },
      ],
    };
    assert.deepEqual(baselinesOf(answer), [
      { folder: "api", uri: "file:///w/api", commit: "abc", date: undefined, hasBaseline: true },
      {
        folder: "file:///w/worker",
        uri: "file:///w/worker",
        commit: undefined,
        date: undefined,
        hasBaseline: false,
      },
    ]);
    assert.deepEqual(baselinesOf(undefined), []);
    assert.deepEqual(baselinesOf({ status: "failed" }), []);
  });

  it("reads a baseline saved outside git (commit: unknown) as one without a commit", () => {
    const saved = { folder: "file:///w/api", name: "api", commit: "unknown", date: "2026-12-01T18:34:11Z", hasBaseline: true };
    const [baseline] = baselinesOf({ status: "ok", folders: [saved] });
    assert.equal(baseline.commit, undefined);
    assert.match(statusTooltip(countStatuses([]), [baseline]), /Baseline: no commit recorded \(2026-12-01T18:34:11Z\)/);
  });
});
