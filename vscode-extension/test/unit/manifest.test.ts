import * as assert from "node:assert/strict";
import { PALETTE_COMMANDS, SERVER_COMMANDS } from "../../src/commandIds";
import { manifest } from "./helpers";

describe("manifest", () => {
  const contributed = manifest().contributes.commands.map((c) => c.command);

  it("contributes exactly the palette commands the extension registers", () => {
    assert.deepEqual([...contributed].sort(), Object.values(PALETTE_COMMANDS).sort());
  });

  it("never reuses a server command id (the language client registers those for lenses)", () => {
    const server = new Set<string>(Object.values(SERVER_COMMANDS));
    assert.deepEqual(contributed.filter((id) => server.has(id)), []);
  });

  it("needs a trusted workspace for every command that runs the project's code", () => {
    const commands = manifest().contributes.commands;
    const trusted = commands.filter((c) => c.enablement === "isWorkspaceTrusted").map((c) => c.command);
    assert.deepEqual(trusted.sort(), [
      PALETTE_COMMANDS.compareWithCommit,
      PALETTE_COMMANDS.explainAtCursor,
      PALETTE_COMMANDS.profileAtCursor,
      PALETTE_COMMANDS.runAtCursor,
      PALETTE_COMMANDS.runPackage,
    ].sort());
  });

  it("offers the cursor commands in Go editors", () => {
    const palette = manifest().contributes.menus.commandPalette;
    for (const id of [
      PALETTE_COMMANDS.runAtCursor,
      PALETTE_COMMANDS.profileAtCursor,
      PALETTE_COMMANDS.explainAtCursor,
    ]) {
      assert.equal(palette.find((entry) => entry.command === id)?.when, "editorLangId == go", id);
    }
  });

  it("activates for Go workspaces", () => {
    const events = manifest().activationEvents;
    assert.ok(events.includes("workspaceContains:**/*_test.go"));
    assert.ok(events.includes("onLanguage:go"));
  });
});
