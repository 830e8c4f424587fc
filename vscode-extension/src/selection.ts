// Which `benchlens serve` to start, in order: the `benchlens.server.path` setting; a Python
// (the `benchlens.interpreter` setting, else the Python extension's) that has benchlens
// installed; the copy bundled in the .vsix, run by the first Python >= 3.11 found. Pure:
// probing a Python and finding an executable are passed in, so this is unit-tested in Node.

export const MINIMUM_PYTHON: readonly [number, number] = [3, 11];

/** What running a Python told about itself. */
export interface PythonInfo {
  version: [number, number];
  /** benchlens's version when `import benchlens` works there. */
  benchlens?: string;
}

export type Probe = (python: string) => Promise<PythonInfo | { error: string }>;

export interface SelectionInputs {
  /** `benchlens.server.path`, empty when not set. */
  serverPath: string;
  /** `benchlens.interpreter`, empty when not set. */
  interpreter: string;
  /** The Python extension's interpreter for the workspace (undefined: none, or untrusted). */
  pythonExtension?: string;
  /** Pythons to try for the bundled copy when neither setting names one (`python3`). */
  pathPythons: readonly string[];
  /** The bundled copy: its start script and the CPython tags it has bindings for. */
  bundled?: { script: string; abis: readonly string[] };
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where it came from, for the output and the tooltip. */
  origin: string;
}

export interface Selection {
  /** The server to start; undefined when nothing works (see `problem`). */
  server?: ServerCommand;
  /** Candidates passed over and why, in order (for the output). */
  skipped: string[];
  /** When nothing works, what to tell the user, with the fix. */
  problem?: string;
}

export interface SelectionDeps {
  probe: Probe;
  /** The full path of an executable (a path or a name looked up on PATH), or undefined. */
  findExecutable: (pathOrName: string) => string | undefined;
}

function versionText(version: readonly number[]): string {
  return version.join(".");
}

function atLeast(version: readonly number[], minimum: readonly number[]): boolean {
  return version[0] > minimum[0] || (version[0] === minimum[0] && version[1] >= minimum[1]);
}

/** Choose the server command; never throws. */
export async function selectServer(
  inputs: SelectionInputs,
  deps: SelectionDeps,
): Promise<Selection> {
  const skipped: string[] = [];

  if (inputs.serverPath) {
    const found = deps.findExecutable(inputs.serverPath);
    if (found) {
      return {
        server: { command: found, args: ["serve"], origin: "benchlens.server.path" },
        skipped,
      };
    }
    skipped.push(`benchlens.server.path: ${inputs.serverPath} is not an executable file`);
  }

  // Pythons in order of preference, each probed once.
  const pythons: { python: string; origin: string }[] = [];
  if (inputs.interpreter) {
    pythons.push({ python: inputs.interpreter, origin: "benchlens.interpreter" });
  }
  if (inputs.pythonExtension) {
    pythons.push({ python: inputs.pythonExtension, origin: "the Python extension's interpreter" });
  }
  const probed: { python: string; origin: string; info: PythonInfo }[] = [];
  for (const candidate of pythons) {
    const info = await deps.probe(candidate.python);
    if ("error" in info) {
      skipped.push(`${candidate.origin} (${candidate.python}): ${info.error}`);
      continue;
    }
    if (!atLeast(info.version, MINIMUM_PYTHON)) {
      skipped.push(
        `${candidate.origin} (${candidate.python}) is Python ${versionText(info.version)}; ` +
          `benchlens needs ${versionText(MINIMUM_PYTHON)} or newer`,
      );
      continue;
    }
    if (info.benchlens !== undefined) {
      return {
        server: {
          command: candidate.python,
          args: ["-I", "-m", "benchlens", "serve"],
          origin: `benchlens ${info.benchlens} in ${candidate.origin} (${candidate.python})`,
        },
        skipped,
      };
    }
    skipped.push(`${candidate.origin} (${candidate.python}) has no benchlens installed`);
    probed.push({ ...candidate, info });
  }

  const bundled = inputs.bundled;
  if (bundled === undefined) {
    return { skipped, problem: noServerProblem(skipped, undefined) };
  }
  // The bundled copy runs on the configured Python when it is new enough, else on PATH's.
  const runners = [...probed];
  if (!inputs.interpreter) {
    for (const name of inputs.pathPythons) {
      const found = deps.findExecutable(name);
      if (!found) {
        skipped.push(`${name}: not found on PATH`);
        continue;
      }
      const info = await deps.probe(found);
      if ("error" in info) {
        skipped.push(`${found}: ${info.error}`);
        continue;
      }
      if (!atLeast(info.version, MINIMUM_PYTHON)) {
        skipped.push(`${found} is Python ${versionText(info.version)}`);
        continue;
      }
      runners.push({ python: found, origin: `${name} on PATH`, info });
    }
  }
  for (const runner of runners) {
    const tag = `cp${runner.info.version[0]}${runner.info.version[1]}`;
    if (!bundled.abis.includes(tag)) {
      skipped.push(
        `the bundled benchlens has no build for Python ${versionText(runner.info.version)} ` +
          `(${runner.python}); it has ${bundled.abis.join(", ")}`,
      );
      continue;
    }
    return {
      server: {
        command: runner.python,
        args: ["-I", bundled.script, "serve"],
        origin: `the bundled benchlens on ${runner.origin} (${runner.python}, Python ${versionText(runner.info.version)})`,
      },
      skipped,
    };
  }
  return { skipped, problem: noServerProblem(skipped, bundled.abis) };
}

/** The notification when no server can be started: what was tried and the exact fix. */
function noServerProblem(skipped: readonly string[], abis: readonly string[] | undefined): string {
  const versions = (abis ?? [])
    .map((tag) => `${tag.slice(2, 3)}.${tag.slice(3)}`)
    .join(", ");
  const needs = versions ? `Python ${versions}` : `Python ${versionText(MINIMUM_PYTHON)} or newer`;
  const tried = skipped.length > 0 ? ` Tried: ${skipped.join("; ")}.` : "";
  return (
    `benchlens cannot start its language server: it needs ${needs}.${tried} ` +
    "Fix: install one (Debian/Ubuntu: `sudo apt install python3`) and run " +
    '"benchlens: Restart Server", or set `benchlens.interpreter` to such a Python, ' +
    "or `pip install` benchlens into it and set `benchlens.server.path` to its `benchlens`."
  );
}
