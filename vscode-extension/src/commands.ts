// Palette commands. Their ids are the extension's own (`benchlens.runAtCursor`, ...): the
// server's command ids (`benchlens.runBenchmark`, ...) are registered by the language client
// for the code lenses, and registering them again would fail ("command already exists").
// Each palette command sends `workspace/executeCommand` to the server.

import * as vscode from "vscode";
import { PALETTE_COMMANDS, SERVER_COMMANDS } from "./commandIds";
import { ActionCommand, actionsFor, abArguments, askedColumn, baselineOf, nothingAtCursor, refPlaceholder, refProblem } from "./palette";
import { BenchlensClient } from "./server";
import { BaselineInfo, baselinesOf } from "./status";

function goEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== "go") {
    void vscode.window.showInformationMessage("benchlens: open a Go test file first.");
    return undefined;
  }
  return editor;
}

/** The workspace folder a command is about: the active editor's, the only one, or a pick. */
async function targetFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  if (folder !== undefined) {
    return folder;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) {
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: "benchlens: which folder?" });
}

/** Run, profile or explain the benchmark under the cursor with the server's own action for
 *  it (the code action behind the lens), so the arguments are the server's. Several regressed
 *  results on one line (a `b.Run` in a loop) are offered in a pick. */
async function atCursor(client: BenchlensClient, serverCommand: string): Promise<void> {
  const editor = goEditor();
  if (editor === undefined) {
    return;
  }
  const cursor = editor.selection.active;
  const indent = editor.document.lineAt(cursor.line).firstNonWhitespaceCharacterIndex;
  const found = actionsFor(
    await client.codeActionsAt(editor.document, cursor.with({ character: askedColumn(cursor.character, indent) })),
    serverCommand,
  );
  let action: ActionCommand | undefined = found[0];
  if (serverCommand === SERVER_COMMANDS.explain && found.length > 1) {
    const picked = await vscode.window.showQuickPick(
      found.map((candidate) => ({ label: candidate.title, candidate })),
      { placeHolder: "benchlens: which regression?" },
    );
    action = picked?.candidate;
    if (action === undefined) {
      return;
    }
  }
  if (action === undefined) {
    void vscode.window.showInformationMessage(nothingAtCursor(serverCommand, SERVER_COMMANDS.explain));
    return;
  }
  await client.executeCommand(action.command, action.arguments ?? []);
}

/** `benchlens ab` from the palette: the working tree against a commit the user names (empty:
 *  the server's choice, which the prompt spells out from `benchlens.status`). */
async function compareWithCommit(client: BenchlensClient): Promise<void> {
  const folder = await targetFolder();
  const uri = folder?.uri.toString();
  let baseline: BaselineInfo | undefined;
  if (client.serverCommands().includes(SERVER_COMMANDS.status)) {
    baseline = baselineOf(baselinesOf(await client.executeCommand(SERVER_COMMANDS.status)), uri);
  }
  const ref = await vscode.window.showInputBox({
    title: "benchlens: compare the working tree against a commit (A/B, runs alternated)",
    prompt: "A commit, branch or tag",
    placeHolder: refPlaceholder(baseline),
    validateInput: refProblem,
  });
  if (ref === undefined) {
    return; // dismissed
  }
  await client.executeCommand(SERVER_COMMANDS.abCompare, abArguments(ref, uri));
}

async function folderCommand(client: BenchlensClient, serverCommand: string): Promise<void> {
  const folder = await targetFolder();
  const args = folder ? [{ folder: folder.uri.toString() }] : [];
  await client.executeCommand(serverCommand, args);
}

export function registerCommands(client: BenchlensClient): vscode.Disposable[] {
  const register = (id: string, run: () => Promise<unknown> | unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, run);
  return [
    register(PALETTE_COMMANDS.runAtCursor, () => atCursor(client, SERVER_COMMANDS.runBenchmark)),
    register(PALETTE_COMMANDS.profileAtCursor, () => atCursor(client, SERVER_COMMANDS.profile)),
    register(PALETTE_COMMANDS.explainAtCursor, () => atCursor(client, SERVER_COMMANDS.explain)),
    register(PALETTE_COMMANDS.compareWithCommit, () => compareWithCommit(client)),
    register(PALETTE_COMMANDS.runPackage, async () => {
      const editor = goEditor();
      if (editor !== undefined) {
        await client.executeCommand(SERVER_COMMANDS.runPackage, [
          { uri: editor.document.uri.toString() },
        ]);
      }
    }),
    register(PALETTE_COMMANDS.cancel, () => client.executeCommand(SERVER_COMMANDS.cancelRun)),
    register(PALETTE_COMMANDS.saveBaseline, () =>
      folderCommand(client, SERVER_COMMANDS.saveBaseline),
    ),
    register(PALETTE_COMMANDS.showReport, () => folderCommand(client, SERVER_COMMANDS.openReport)),
    register(PALETTE_COMMANDS.reload, () => client.executeCommand(SERVER_COMMANDS.refresh)),
    register(PALETTE_COMMANDS.restartServer, () => client.restart("Restart Server command")),
    register(PALETTE_COMMANDS.showOutput, () => client.output.show()),
  ];
}
