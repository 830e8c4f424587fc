// The Python extension's active interpreter, when that extension is installed. Read through
// its public API (`environments`), typed here for the two calls used.

import * as vscode from "vscode";

interface EnvironmentPath {
  path: string;
}

interface PythonEnvironments {
  getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
  onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

interface PythonExtensionApi {
  environments?: PythonEnvironments;
}

const PYTHON_EXTENSION = "ms-python.python";

async function environments(): Promise<PythonEnvironments | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (extension === undefined) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    return api?.environments;
  } catch {
    return undefined;
  }
}

/** The interpreter the Python extension uses for `resource`, if it is installed. */
export async function activeInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const envs = await environments();
  const found = envs?.getActiveEnvironmentPath(resource)?.path;
  return found || undefined;
}

/** Calls `listener` when the user picks another interpreter in the Python extension. */
export async function onInterpreterChanged(
  listener: () => void,
): Promise<vscode.Disposable | undefined> {
  const envs = await environments();
  return envs?.onDidChangeActiveEnvironmentPath(() => listener());
}
