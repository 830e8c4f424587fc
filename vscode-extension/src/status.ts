// What the status bar says: counted from the diagnostics benchlens published. Pure.

/** The statuses a benchlens diagnostic can carry as its code, in the order shown. */
export const STATUSES = ["regression", "improvement", "missing", "new"] as const;
export type Status = (typeof STATUSES)[number];
export type StatusCounts = Record<Status, number>;

/** The parts of a `vscode.Diagnostic` that are read here. */
export interface DiagnosticLike {
  source?: string;
  code?: string | number | { value: string | number };
}

const SOURCE = "benchlens";

/** How many benchmarks have each status, over every file's benchlens diagnostics. */
export function countStatuses(diagnostics: Iterable<DiagnosticLike>): StatusCounts {
  const counts: StatusCounts = { regression: 0, improvement: 0, missing: 0, new: 0 };
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE) {
      continue;
    }
    const code =
      typeof diagnostic.code === "object" ? diagnostic.code.value : diagnostic.code;
    if (typeof code === "string" && (STATUSES as readonly string[]).includes(code)) {
      counts[code as Status] += 1;
    }
  }
  return counts;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The status bar text: `$(graph) 2 regressions` or `$(check) no regressions`. */
export function statusText(counts: StatusCounts): string {
  if (counts.regression === 0) {
    return "$(check) no regressions";
  }
  return `$(graph) ${plural(counts.regression, "regression")}`;
}

const LABELS: Record<Status, [string, string]> = {
  regression: ["🔴", "regression"],
  improvement: ["🟢", "improvement"],
  missing: ["⚠️", "missing"],
  new: ["🆕", "new"],
};

/** What the server says about one workspace folder's baseline, when it says it. */
export interface BaselineInfo {
  folder: string;
  /** The workspace folder's URI, as the server names it. */
  uri?: string;
  commit?: string;
  date?: string;
  /** false when the folder has no baseline results yet. */
  hasBaseline?: boolean;
}

/** The commit benchlens records for results saved where git names none. */
const NO_COMMIT = "unknown";

/** The folders of the server's `benchlens.status` answer, as the tooltip reads them. */
export function baselinesOf(answer: unknown): BaselineInfo[] {
  const folders = (answer as { folders?: unknown } | undefined)?.folders;
  if (!Array.isArray(folders)) {
    return [];
  }
  return folders.map((raw) => {
    const f = raw as { name?: unknown; folder?: unknown; commit?: unknown; date?: unknown; hasBaseline?: unknown };
    const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);
    return {
      folder: text(f.name) ?? text(f.folder) ?? "?",
      uri: text(f.folder),
      // benchlens writes `commit: unknown` into a baseline saved outside git: no commit
      commit: text(f.commit) === NO_COMMIT ? undefined : text(f.commit),
      date: text(f.date),
      hasBaseline: typeof f.hasBaseline === "boolean" ? f.hasBaseline : undefined,
    };
  });
}

/** The tooltip (markdown): counts per status, then each folder's baseline commit. */
export function statusTooltip(counts: StatusCounts, baselines: readonly BaselineInfo[]): string {
  const lines = ["**benchlens** — benchmarks against the baseline", ""];
  for (const status of STATUSES) {
    const [icon, word] = LABELS[status];
    const text = status === "regression" || status === "improvement" ? plural(counts[status], word) : `${counts[status]} ${word}`;
    lines.push(`- ${icon} ${text}`);
  }
  if (baselines.length > 0) {
    lines.push("");
    for (const baseline of baselines) {
      const where = baselines.length > 1 ? ` of ${baseline.folder}` : "";
      if (baseline.hasBaseline === false) {
        lines.push(`Baseline${where}: none yet (benchlens: Save Current Results as Baseline)`);
        continue;
      }
      const commit = baseline.commit ? `commit \`${baseline.commit.slice(0, 12)}\`` : "no commit recorded";
      const date = baseline.date ? ` (${baseline.date})` : "";
      lines.push(`Baseline${where}: ${commit}${date}`);
    }
  }
  lines.push("", "Click to open the Problems view.");
  return lines.join("\n");
}
