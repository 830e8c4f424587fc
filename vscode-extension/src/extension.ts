// Wires the extension together: output, client, commands, status bar, and the events that
// restart the server (settings that decide how it starts, the Python interpreter, trust).

import * as vscode from "vscode";
import { registerCommands } from "./commands";
import * as python from "./python";
import { BenchlensClient, SERVER_ID } from "./server";
import { START_SETTINGS } from "./settings";
import { StatusBar } from "./statusBar";

let client: BenchlensClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("benchlens", { log: true });
  client = new BenchlensClient(context, output);
  const current = client;
  context.subscriptions.push(
    output,
    ...registerCommands(current),
    new StatusBar(current),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (START_SETTINGS.some((key) => event.affectsConfiguration(`${SERVER_ID}.${key}`))) {
        void current.restart("settings changed");
      } else if (event.affectsConfiguration(SERVER_ID)) {
        current.settingsChanged();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void current.restart("workspace trusted");
    }),
  );
  const interpreterWatch = await python.onInterpreterChanged(() => {
    void current.restart("Python interpreter changed");
  });
  if (interpreterWatch !== undefined) {
    context.subscriptions.push(interpreterWatch);
  }
  await current.restart("activation");
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = undefined;
}
