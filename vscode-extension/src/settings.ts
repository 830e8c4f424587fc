// The `benchlens.*` settings as the server reads them: the same keys as `.benchlens.toml`.
//
// Only values someone set (user, workspace or folder) are sent: the defaults shown in the
// Settings UI are the server's own defaults, and sending them would hide the project's
// `.benchlens.toml` (the server's order is defaults < .benchlens.toml < editor settings).
// Pure: no `vscode` import, so it is unit-tested in plain Node.

/** Settings that only the extension reads: how to start the server, and tracing. */
export const CLIENT_ONLY_SETTINGS: ReadonlySet<string> = new Set([
  "server.path",
  "interpreter",
  "trace.server",
]);

/** Client settings that decide how the server process is started: a change restarts it. */
export const START_SETTINGS: readonly string[] = ["server.path", "interpreter"];

/** VS Code's names for settings whose server key is spelled differently. */
const RENAMED: Readonly<Record<string, string[]>> = {
  debounceMs: ["debounce_ms"],
};

/** What `WorkspaceConfiguration.inspect(key)` answers, the parts that matter here. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export type ServerSettings = { [key: string]: unknown };

/** The server's key path of a setting (`paths.baseline` → ["paths", "baseline"]); undefined
 *  for the extension's own settings. */
export function serverKeyPath(setting: string): string[] | undefined {
  if (CLIENT_ONLY_SETTINGS.has(setting)) {
    return undefined;
  }
  return RENAMED[setting] ?? setting.split(".");
}

/** The most specific value someone set: folder over workspace over user; undefined if none. */
export function explicitValue(inspected: Inspected | undefined): unknown {
  if (inspected === undefined) {
    return undefined;
  }
  for (const value of [
    inspected.workspaceFolderValue,
    inspected.workspaceValue,
    inspected.globalValue,
  ]) {
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/** The nested settings object the server reads (initializationOptions and the `benchlens`
 *  section of workspace/configuration), from the settings contributed by the extension. */
export function serverSettings(
  settings: Iterable<string>,
  inspect: (setting: string) => Inspected | undefined,
): ServerSettings {
  const out: ServerSettings = {};
  for (const setting of settings) {
    const path = serverKeyPath(setting);
    if (path === undefined) {
      continue;
    }
    const value = explicitValue(inspect(setting));
    if (value === undefined) {
      continue;
    }
    let node = out;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== "object" || next === null || Array.isArray(next)) {
        node[part] = {};
      }
      node = node[part] as ServerSettings;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}

/** The settings the extension contributes (`benchlens.x.y` → `x.y`), from its package.json. */
export function contributedSettings(manifest: unknown): string[] {
  const properties = (manifest as {
    contributes?: { configuration?: { properties?: Record<string, unknown> } };
  }).contributes?.configuration?.properties;
  return Object.keys(properties ?? {})
    .filter((key) => key.startsWith("benchlens."))
    .map((key) => key.slice("benchlens.".length));
}
