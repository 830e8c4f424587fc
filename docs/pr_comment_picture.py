"""Render the PR comment the CI workflow posts as a picture, for the README.

The comment is what the workflow's report job writes: `benchlens regression
--no-run`'s markdown report plus the artifact line. It is rendered to HTML with
markdown-it (GitHub-flavoured tables, <details> kept) in a page styled like a
GitHub comment and screenshotted by headless Chromium.

    python docs/pr_comment_picture.py BASELINE CURRENT docs/pr-comment.png
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

STYLE = """
body { margin: 0; padding: 24px; background: #f6f8fa;
       font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
             "Noto Color Emoji"; color: #1f2328; }
.comment { max-width: 1040px; border: 1px solid #d1d9e0; border-radius: 6px; background: #fff; }
.head { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
        border-radius: 6px 6px 0 0; color: #59636e; }
.head b { color: #1f2328; }
.body { padding: 16px; }
h3 { font-size: 1.25em; margin: 0 0 12px; }
h4 { font-size: 1em; margin: 16px 0 8px; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 4px 10px; }
th { background: #f6f8fa; font-weight: 600; }
tr:nth-child(2n) td { background: #f6f8fa; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace;
       background: rgba(129,139,152,.12); padding: .1em .3em; border-radius: 4px; }
ul { padding-left: 2em; margin: 0 0 12px; }
summary { cursor: pointer; margin: 8px 0; }
a { color: #0969da; text-decoration: none; }
"""


def main() -> int:
    baseline, current, picture = (Path(a) for a in sys.argv[1:4])
    report = subprocess.run(
        [sys.executable, "-m", "benchlens", "compare", str(baseline), str(current),
         "--format", "markdown"],
        capture_output=True, text=True, check=False,
    ).stdout
    comment = (
        report + "\nHTML report and both result files: the `benchlens-report` artifact of "
        "[this run](https://github.com/acme/eventpipe/actions/runs/1001).\n"
    )
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{STYLE}</style></head>"
        "<body><div class='comment'><div class='head'><b>github-actions</b> bot commented"
        f"</div><div class='body'>{md.render(comment)}</div></div></body></html>"
    )
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "comment.html"
        html.write_text(page, encoding="utf-8")
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={picture.resolve()}", "--window-size=1100,1400",
             html.as_uri()],
            check=True, capture_output=True,
        )
    print(f"wrote {picture}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
