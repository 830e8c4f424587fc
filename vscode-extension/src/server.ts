// The language client: one `restart()` path for activation, a change of the settings that
// decide how the server starts, a new Python interpreter, workspace trust granted and the
// Restart command. Comparison settings changed meanwhile are pulled by the running server
// (`workspace/didChangeConfiguration`, then `workspace/configuration`).

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  CodeAction,
  CodeActionRequest,
  Command,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";
import { findExecutable, probePython } from "./probe";
import * as python from "./python";
import { SelectionInputs, selectServer, ServerCommand } from "./selection";
import { contributedSettings, restrictedSettings, serverSettings, ServerSettings } from "./settings";

export const SERVER_ID = "benchlens";

export type ServerState =
  | { kind: "stopped" }
  | { kind: "starting" }
  | { kind: "running"; origin: string }
  | { kind: "failed"; problem: string };

/** A command's answer, as the server gives it. */
export interface CommandResult {
  status: "ok" | "cancelled" | "failed" | "refused";
  message: string;
  [key: string]: unknown;
}

export class BenchlensClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();
  private restartPending = false;
  private readonly settingNames: string[];
  private readonly restricted: Set<string>;
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  state: ServerState = { kind: "stopped" };

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {
    this.settingNames = contributedSettings(context.extension.packageJSON);
    this.restricted = restrictedSettings(context.extension.packageJSON);
  }

  /** Stop the server if it runs and start the one the settings choose now. Calls made while
   *  a restart is waiting to begin are folded into it. */
  restart(reason: string): Promise<void> {
    if (this.restartPending) {
      return this.queue;
    }
    this.restartPending = true;
    const run = async (): Promise<void> => {
      this.restartPending = false;
      await this.restartNow(reason);
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  /** The server pulls the comparison settings again (`workspace/configuration`). */
  settingsChanged(): void {
    if (this.client?.isRunning()) {
      void this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: null,
      });
    }
  }

  /** `workspace/executeCommand`; undefined (and a message) when no server runs. */
  async executeCommand(command: string, args: unknown[] = []): Promise<CommandResult | undefined> {
    const client = await this.runningClient();
    if (client === undefined) {
      return undefined;
    }
    return (await client.sendRequest(ExecuteCommandRequest.type, {
      command,
      arguments: args,
    })) as CommandResult | undefined;
  }

  /** The server's code actions at a position (its run/profile actions for that benchmark). */
  async codeActionsAt(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<Command[]> {
    const client = await this.runningClient();
    if (client === undefined) {
      return [];
    }
    const point = client.code2ProtocolConverter.asPosition(position);
    const answer = await client.sendRequest(CodeActionRequest.type, {
      textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(document),
      range: { start: point, end: point },
      context: { diagnostics: [] },
    });
    return (answer ?? []).flatMap((item: Command | CodeAction) =>
      Command.is(item) ? [item] : item.command ? [item.command] : [],
    );
  }

  /** The commands the running server offers (`executeCommandProvider`). */
  serverCommands(): string[] {
    return this.client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.stateEmitter.dispose();
  }

  /** The running client, once a (re)start under way has ended: a command given while the
   *  server restarts (settings, interpreter or trust changed) waits for it, not refused. */
  private async runningClient(): Promise<LanguageClient | undefined> {
    await this.queue;
    if (this.client?.isRunning()) {
      return this.client;
    }
    const why =
      this.state.kind === "starting"
        ? "benchlens: the server is still starting; try again in a moment."
        : "benchlens: the language server is not running.";
    void vscode.window.showWarningMessage(why, "Show output").then((choice) => {
      if (choice) {
        this.output.show();
      }
    });
    return undefined;
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.stateEmitter.fire(state);
  }

  private async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      await client.stop(5000);
    } catch (error) {
      this.output.warn(`stopping the server: ${String(error)}`);
    }
    await client.dispose().catch(() => undefined);
    this.setState({ kind: "stopped" });
  }

  private async restartNow(reason: string): Promise<void> {
    await this.stop();
    this.setState({ kind: "starting" });
    const trusted = vscode.workspace.isTrusted;
    this.output.info(`starting the server (${reason}; workspace ${trusted ? "trusted" : "not trusted"})`);
    const selection = await selectServer(await this.selectionInputs(trusted), {
      probe: probePython,
      findExecutable,
    });
    for (const skipped of selection.skipped) {
      this.output.info(`passed over: ${skipped}`);
    }
    if (selection.server === undefined) {
      this.fail(selection.problem ?? "benchlens: no server to start");
      return;
    }
    const server = selection.server;
    this.output.info(`server: ${server.origin}: ${[server.command, ...server.args].join(" ")}`);
    const client = new LanguageClient(
      SERVER_ID,
      "benchlens",
      this.serverOptions(server),
      this.clientOptions(trusted),
    );
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      await client.dispose().catch(() => undefined);
      this.fail(
        `benchlens: the language server (${server.origin}) did not start: ${String(error)}. ` +
          'Fix: see the output, then run "benchlens: Restart Server"; or set ' +
          "`benchlens.server.path` / `benchlens.interpreter` to a working benchlens.",
      );
      return;
    }
    this.setState({ kind: "running", origin: server.origin });
  }

  private fail(problem: string): void {
    this.output.error(problem);
    this.setState({ kind: "failed", problem });
    void vscode.window.showErrorMessage(problem, "Show output").then((choice) => {
      if (choice) {
        this.output.show();
      }
    });
  }

  private async selectionInputs(trusted: boolean): Promise<SelectionInputs> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const config = vscode.workspace.getConfiguration(SERVER_ID, folder);
    // In an untrusted workspace only the user's own settings name programs to run (these
    // settings are also `restrictedConfigurations`), and the workspace's interpreter is not
    // asked for: it may be a program the workspace brought along.
    const setting = (key: string): string => {
      const value = trusted ? config.get<string>(key) : config.inspect<string>(key)?.globalValue;
      return expandPath((value ?? "").trim(), folder);
    };
    return {
      serverPath: setting("server.path"),
      interpreter: setting("interpreter"),
      pythonExtension: trusted ? await python.activeInterpreter(folder?.uri) : undefined,
      pathPythons: ["python3", "python"],
      bundled: this.bundled(),
    };
  }

  private bundled(): SelectionInputs["bundled"] {
    const root = path.join(this.context.extensionPath, "bundled");
    try {
      const abis = fs.readdirSync(path.join(root, "abi")).filter((d) => /^cp\d+$/.test(d));
      return { script: path.join(root, "tool", "serve.py"), abis };
    } catch {
      return undefined; // a development build without the bundled libraries
    }
  }

  private serverOptions(server: ServerCommand): ServerOptions {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return {
      command: server.command,
      args: server.args,
      options: { cwd: folder?.uri.fsPath ?? this.context.extensionPath, env: { ...process.env } },
    };
  }

  /** The settings the server reads for `scope` (a folder, or the whole window). */
  private serverSettingsFor(scope?: vscode.Uri): ServerSettings {
    const config = vscode.workspace.getConfiguration(SERVER_ID, scope);
    return serverSettings(this.settingNames, (name) => config.inspect(name), {
      trusted: vscode.workspace.isTrusted,
      restricted: this.restricted,
    });
  }

  private clientOptions(trusted: boolean): LanguageClientOptions {
    return {
      documentSelector: [{ scheme: "file", language: "go" }],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      diagnosticCollectionName: SERVER_ID,
      initializationOptions: { ...this.serverSettingsFor(), trusted },
      middleware: {
        workspace: {
          // Answer the `benchlens` section with the server's keys only: the extension's own
          // settings (server.path, interpreter, trace) and the defaults stay out.
          configuration: async (params, token, next) => {
            const others = params.items.some((item) => item.section !== SERVER_ID);
            const fallback = others ? await next(params, token) : [];
            if (fallback instanceof Error) {
              return fallback;
            }
            return params.items.map((item, i) =>
              item.section === SERVER_ID
                ? this.serverSettingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : (fallback as unknown[])[i],
            );
          },
        },
      },
    };
  }
}

/** `~` and `${workspaceFolder}` in a configured path. */
function expandPath(value: string, folder?: vscode.WorkspaceFolder): string {
  let out = value;
  if (folder !== undefined) {
    out = out.split("${workspaceFolder}").join(folder.uri.fsPath);
  }
  if (out === "~" || out.startsWith("~/")) {
    out = path.join(process.env.HOME ?? "", out.slice(1));
  }
  return out;
}
