// Command ids: the server's (README, "Commands") and the palette's own. Kept apart: the
// language client registers the server's ids as VS Code commands for the code lenses, so
// the palette cannot register them again. Pure, for the unit tests.

/** The server's command ids, sent with `workspace/executeCommand`. */
export const SERVER_COMMANDS = {
  runBenchmark: "benchlens.runBenchmark",
  runPackage: "benchlens.runPackageBenchmarks",
  profile: "benchlens.profileBenchmark",
  saveBaseline: "benchlens.saveBaseline",
  refresh: "benchlens.refresh",
  openReport: "benchlens.openReport",
  cancelRun: "benchlens.cancelRun",
  status: "benchlens.status",
  explain: "benchlens.explainRegression",
  abCompare: "benchlens.abCompare",
} as const;

/** The palette's command ids (package.json `contributes.commands`). */
export const PALETTE_COMMANDS = {
  runAtCursor: "benchlens.runAtCursor",
  runPackage: "benchlens.runPackage",
  profileAtCursor: "benchlens.profileAtCursor",
  explainAtCursor: "benchlens.explainAtCursor",
  compareWithCommit: "benchlens.compareWithCommit",
  cancel: "benchlens.cancel",
  saveBaseline: "benchlens.saveCurrentAsBaseline",
  showReport: "benchlens.showReport",
  reload: "benchlens.reload",
  restartServer: "benchlens.restartServer",
  showOutput: "benchlens.showOutput",
} as const;
