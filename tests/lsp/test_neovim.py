"""A real editor: headless Neovim starts `benchlens serve` and receives the diagnostics.

Written for Neovim 0.7 (Debian's), whose API lacks `vim.lsp.start` (0.8+):
`vim.lsp.start_client` + `vim.lsp.buf_attach_client` work on every version since.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import VENV_BIN
from tests.lsp.conftest import line_of

LUA = r"""
local python, root, file, out = PYTHON, ROOT, FILE, OUT
local function finish(result)
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'benchlens',
    cmd = { python, '-m', 'benchlens', 'serve' },
    root_dir = root,
  })
  vim.lsp.buf_attach_client(bufnr, client_id)
  local got = vim.wait(30000, function()
    return #vim.diagnostic.get(bufnr) >= 2
  end, 50)
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(diagnostics, {
      lnum = d.lnum, col = d.col, severity = d.severity, message = d.message,
      source = d.source, code = d.code or lsp.code,
    })
  end
  local lenses = {}
  local answers = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeLens', {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
  }, 10000) or {}
  for _, answer in pairs(answers) do
    for _, lens in ipairs(answer.result or {}) do
      table.insert(lenses, { line = lens.range.start.line, title = lens.command.title })
    end
  end
  vim.lsp.stop_client(client_id)
  finish({ waited = got, diagnostics = diagnostics, lenses = lenses })
end)
if not ok then
  finish({ error = tostring(err) })
end
"""


def lua_string(value: object) -> str:
    return json.dumps(str(value))  # a JSON string is a valid Lua string literal here


@pytest.mark.slow
def test_neovim_receives_regression_diagnostics(example_copy: Path, tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (make system-deps installs it)")
    handler = example_copy / "kafka" / "handler" / "handler_test.go"
    out = tmp_path / "nvim-result.json"
    script = tmp_path / "benchlens.lua"
    lua = LUA
    for name, value in {
        "PYTHON": sys.executable,
        "ROOT": example_copy,
        "FILE": handler,
        "OUT": out,
    }.items():
        lua = lua.replace(f"{name},", f"{lua_string(value)},", 1).replace(
            f"{name}\n", f"{lua_string(value)}\n", 1
        )
    script.write_text(lua)
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "NVIM_LOG_FILE": str(tmp_path / "nvim.log"),
    }
    subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"luafile {script}"],
        cwd=example_copy,
        env=env,
        timeout=90,
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    assert out.exists(), "Neovim wrote no result"
    result = json.loads(out.read_text())
    assert "error" not in result, result.get("error")
    assert result["waited"] is True

    regressions = [d for d in result["diagnostics"] if d["code"] == "regression"]
    assert sorted(d["lnum"] for d in regressions) == [
        line_of(handler, 'b.Run("small"'),
        line_of(handler, 'b.Run("large"'),
    ]
    for d in regressions:
        assert d["severity"] == 2  # vim.diagnostic.severity.WARN
        assert d["source"] == "benchlens"
        assert "regression" in d["message"] and "ns/op" in d["message"]
    small = line_of(handler, 'b.Run("small"')
    titles = [lens["title"] for lens in result["lenses"] if lens["line"] == small]
    assert titles[0].startswith("🔴") and "▶ run benchmark" in titles
