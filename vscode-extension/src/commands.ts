// Palette commands. Their ids are the extension's own (`benchlens.runAtCursor`, ...): the
// server's command ids (`benchlens.runBenchmark`, ...) are registered by the language client
// for the code lenses, and registering them again would fail ("command already exists").
// Each palette command sends `workspace/executeCommand` to the server.

import * as vscode from "vscode";
import { PALETTE_COMMANDS, SERVER_COMMANDS } from "./commandIds";
import { BenchlensClient } from "./server";

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

/** Run (or profile) the benchmark under the cursor with the server's own action for it. */
async function atCursor(client: BenchlensClient, serverCommand: string): Promise<void> {
  const editor = goEditor();
  if (editor === undefined) {
    return;
  }
  const actions = await client.codeActionsAt(editor.document, editor.selection.active);
  const action = actions.find((command) => command.command === serverCommand);
  if (action === undefined) {
    void vscode.window.showInformationMessage(
      "benchlens: no benchmark at the cursor; put it on a `func BenchmarkX` or `b.Run(` line.",
    );
    return;
  }
  await client.executeCommand(action.command, action.arguments ?? []);
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
