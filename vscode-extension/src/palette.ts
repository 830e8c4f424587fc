// What the palette commands send, decided without VS Code: which of the server's actions at
// the cursor a command means, and the A/B command's arguments and prompt. Pure, for the
// unit tests.

import { BaselineInfo } from "./status";

/** A server command as the code actions carry it (`vscode-languageclient`'s `Command`). */
export interface ActionCommand {
  title: string;
  command: string;
  arguments?: unknown[];
}

/** The server's actions at the cursor that send `serverCommand`, in the server's order: the
 *  benchmark at the cursor first, then its function's (for a `b.Run` line). */
export function actionsFor(actions: readonly ActionCommand[], serverCommand: string): ActionCommand[] {
  return actions.filter((action) => action.command === serverCommand);
}

/** The column to ask the server about: a cursor in a line's indentation (where Go to Line
 *  puts it) means the line's statement, e.g. its `b.Run(` call, not the enclosing function. */
export function askedColumn(character: number, firstNonWhitespace: number): number {
  return Math.max(character, firstNonWhitespace);
}

/** What to say when the cursor has no action for the command. */
export function nothingAtCursor(serverCommand: string, explain: string): string {
  return serverCommand === explain
    ? "benchlens: no regressed benchmark at the cursor; put it on the `func BenchmarkX` or `b.Run(` line of a regression (the one with the 🔴 lens)."
    : "benchlens: no benchmark at the cursor; put it on a `func BenchmarkX` or `b.Run(` line.";
}

/** The arguments of `benchlens.abCompare`: an empty ref is left out, so the server chooses
 *  (the commit the baseline records, else HEAD). */
export function abArguments(ref: string, folder?: string): unknown[] {
  const args: { ref?: string; folder?: string } = {};
  if (folder !== undefined) {
    args.folder = folder;
  }
  const trimmed = ref.trim();
  if (trimmed) {
    args.ref = trimmed;
  }
  return [args];
}

/** The baseline of the folder `uri` in the server's `benchlens.status` answer (or the only one). */
export function baselineOf(baselines: readonly BaselineInfo[], uri?: string): BaselineInfo | undefined {
  return baselines.find((b) => b.uri !== undefined && b.uri === uri) ?? (baselines.length === 1 ? baselines[0] : undefined);
}

/** The input box's placeholder: what an empty answer compares the working tree with. */
export function refPlaceholder(baseline?: BaselineInfo): string {
  if (baseline?.commit) {
    return `empty: the baseline's commit ${baseline.commit.slice(0, 12)} (HEAD if this repository lacks it)`;
  }
  return baseline?.hasBaseline === false
    ? "empty: HEAD (no baseline saved yet)"
    : "empty: HEAD (the baseline records no commit)";
}

/** A ref the user typed that git would take for an option: refused before anything runs. */
export function refProblem(ref: string): string | undefined {
  const trimmed = ref.trim();
  if (trimmed.startsWith("-")) {
    return "a commit, branch or tag cannot start with '-'";
  }
  if (/\s/.test(trimmed)) {
    return "a commit, branch or tag has no spaces";
  }
  return undefined;
}
