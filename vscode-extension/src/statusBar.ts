// The status bar item: the regression count of the workspace, from benchlens's diagnostics.

import * as vscode from "vscode";
import { PALETTE_COMMANDS, SERVER_COMMANDS } from "./commandIds";
import { BenchlensClient, ServerState } from "./server";
import { BaselineInfo, baselinesOf, countStatuses, statusText, statusTooltip } from "./status";

const UPDATE_DELAY_MS = 100;

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private baselines: BaselineInfo[] = [];

  constructor(private readonly client: BenchlensClient) {
    this.item = vscode.window.createStatusBarItem("benchlens.status", vscode.StatusBarAlignment.Left, 10);
    this.item.name = "benchlens";
    this.disposables.push(
      vscode.languages.onDidChangeDiagnostics(() => this.schedule(true)),
      client.onDidChangeState(() => this.schedule(true)),
    );
    this.update();
  }

  private schedule(refetch: boolean): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh(refetch);
    }, UPDATE_DELAY_MS);
  }

  private async refresh(refetch: boolean): Promise<void> {
    // The baseline's commit comes from the server (older servers do not offer it).
    const status = SERVER_COMMANDS.status;
    if (refetch && this.client.state.kind === "running" && this.client.serverCommands().includes(status)) {
      try {
        this.baselines = baselinesOf(await this.client.executeCommand(status));
      } catch {
        this.baselines = [];
      }
    }
    this.update();
  }

  private update(): void {
    const state: ServerState = this.client.state;
    if (state.kind === "starting") {
      this.show("$(sync~spin) benchlens", "benchlens: starting the language server", PALETTE_COMMANDS.showOutput);
      return;
    }
    if (state.kind === "failed") {
      this.show("$(warning) benchlens", state.problem, PALETTE_COMMANDS.showOutput);
      return;
    }
    if (state.kind === "stopped") {
      this.show("$(circle-slash) benchlens", "benchlens: the language server is stopped", PALETTE_COMMANDS.restartServer);
      return;
    }
    const diagnostics = vscode.languages.getDiagnostics().flatMap(([, list]) => list);
    const counts = countStatuses(diagnostics);
    const tooltip = new vscode.MarkdownString(statusTooltip(counts, this.baselines));
    this.show(statusText(counts), tooltip, "workbench.actions.view.problems");
  }

  private show(text: string, tooltip: string | vscode.MarkdownString, command: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.show();
  }

  dispose(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.item.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
