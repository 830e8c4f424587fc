// The `benchlens.*` settings as the server reads them: the same keys as `.benchlens.toml`.
//
// Only values someone set (user, workspace or folder) are sent: the defaults shown in the
// Settings UI are the server's own defaults, and sending them would hide the project's
// `.benchlens.toml` (the server's order is defaults < .benchlens.toml < editor settings).
// What the workspace set is sent apart from what the user set: the server holds it to the
// repository's rules (a `.vscode/settings.json` comes with the repository, as
// `.benchlens.toml` does, and must not make benchlens write outside the workspace).
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

/** The key of the server's editor settings holding what the workspace itself set (see the
 *  server's `load_config`): applied over the user's, its paths kept inside the workspace. */
export const WORKSPACE_LAYER = "workspace";

/** Who set a value: the user (their own settings.json: may point anywhere), or the workspace
 *  (`.vscode/settings.json`, the `.code-workspace` file: they come with the repository). */
export interface Layers {
  user?: unknown;
  workspace?: unknown;
}

/** The values someone set, by who set them; the folder's over the workspace file's. */
export function layersOf(inspected: Inspected | undefined): Layers {
  return {
    user: inspected?.globalValue,
    workspace: inspected?.workspaceFolderValue ?? inspected?.workspaceValue,
  };
}

/** Which workspace values are ignored: the restricted settings', until the workspace is
 *  trusted (as VS Code does for `restrictedConfigurations`; repeated here so that nothing
 *  depends on it). */
export interface Trust {
  trusted: boolean;
  restricted: ReadonlySet<string>;
}

function put(out: ServerSettings, path: string[], value: unknown): void {
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

/** The nested settings object the server reads (initializationOptions and the `benchlens`
 *  section of workspace/configuration), from the settings contributed by the extension: the
 *  user's values at the top, the workspace's in the `workspace` table, which the server
 *  applies on top with the repository's rules (paths stay inside the workspace). */
export function serverSettings(
  settings: Iterable<string>,
  inspect: (setting: string) => Inspected | undefined,
  trust: Trust = { trusted: true, restricted: new Set() },
): ServerSettings {
  const out: ServerSettings = {};
  const workspace: ServerSettings = {};
  for (const setting of settings) {
    const path = serverKeyPath(setting);
    if (path === undefined) {
      continue;
    }
    const layers = layersOf(inspect(setting));
    if (layers.user !== undefined) {
      put(out, path, layers.user);
    }
    const ignored = !trust.trusted && trust.restricted.has(setting);
    if (layers.workspace !== undefined && !ignored) {
      put(workspace, path, layers.workspace);
    }
  }
  if (Object.keys(workspace).length > 0) {
    out[WORKSPACE_LAYER] = workspace;
  }
  return out;
}

/** The settings the manifest restricts in untrusted workspaces (`benchlens.x.y` → `x.y`). */
export function restrictedSettings(manifest: unknown): Set<string> {
  const names = (manifest as {
    capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
  }).capabilities?.untrustedWorkspaces?.restrictedConfigurations;
  return new Set(
    (names ?? [])
      .filter((key) => key.startsWith("benchlens."))
      .map((key) => key.slice("benchlens.".length)),
  );
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
