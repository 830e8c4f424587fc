"""`benchlens baseline --fetch` and `--publish`: the baseline branch, on the command line."""

from __future__ import annotations

from benchlens.baseline_branch import BaselineBranchError, fetch_baseline, publish_baseline
from benchlens.cli.common import warn
from benchlens.config import Config, relative


def fetch_command(config: Config, remote: str, branch: str) -> int:
    try:
        fetched = fetch_baseline(config, remote, branch)
    except BaselineBranchError as exc:
        warn(str(exc))
        return 2
    if fetched.commit is None:
        print(
            f"no stored baseline yet: {remote} has no branch {branch} "
            "(CI stores one on its first run on main; or `benchlens baseline --publish`)"
        )
        return 0
    source = f"{remote}/{branch} ({fetched.commit[:7]})"
    if fetched.baseline_written:
        print(f"fetched {relative(config, config.baseline)} from {source}")
    else:
        print(f"{source} holds no {relative(config, config.baseline)}; nothing fetched")
    if fetched.history_added:
        n = len(fetched.history_added)
        files = f"{n} history file{'s' if n != 1 else ''}"
        print(f"added {files} to {relative(config, config.history)}")
    for name in fetched.history_kept:
        warn(f"{name}: differs from {source}; the local file is kept")
    return 0


def publish_command(config: Config, remote: str, branch: str) -> int:
    try:
        published = publish_baseline(config, remote, branch)
    except BaselineBranchError as exc:
        warn(str(exc))
        return 2
    if published.commit is None:
        print(f"{remote}/{branch} already holds this baseline and history; nothing pushed")
        return 0
    verb = "created" if published.created else "updated"
    print(
        f"{verb} {remote}/{branch} ({published.commit[:7]}): "
        f"{relative(config, config.baseline)} and {published.files - 1} history file(s)"
    )
    return 0
