"""A local stand-in for the GitHub REST API and a Slack incoming webhook, recording
every request (helpers for the workflow tests; no tests here).

The real `gh` reaches it as `GH_HOST=github.localhost` (gh's development host,
served over plain HTTP at `http://api.github.localhost/`) through
`HTTP_PROXY=http://127.0.0.1:PORT`; curl posts to the webhook URL directly. It
keeps just enough state — issues with labels and comments — for the workflow's
issue step to find the one it opened before.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SLACK_PATH = "/services/T000/B000/slack-webhook"


@dataclass
class Recorded:
    method: str
    host: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any  # parsed JSON, else the text


@dataclass
class Issue:
    number: int
    title: str
    body: str
    labels: list[str]
    state: str = "open"
    comments: list[str] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "body": self.body,
            "state": self.state,
            "labels": [{"name": name} for name in self.labels],
        }


class FakeGitHub:
    """Start with `start()`, stop with `stop()`; `requests`, `issues` and `slack` are
    what the workflow sent."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.issues: list[Issue] = []
        self.slack: list[Any] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                try:
                    body: Any = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = raw
                record = Recorded(
                    self.command,
                    url.hostname or self.headers.get("Host", ""),
                    url.path,
                    parse_qs(url.query),
                    dict(self.headers),
                    body,
                )
                with fake._lock:
                    fake.requests.append(record)
                    status, answer = fake.answer(record)
                data = (
                    json.dumps(answer).encode() if not isinstance(answer, str) else answer.encode()
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def slack_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{SLACK_PATH}"

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the API --------------------------------------------------------------

    def answer(self, r: Recorded) -> tuple[int, Any]:
        if r.path == SLACK_PATH and r.method == "POST":
            self.slack.append(r.body)
            return 200, "ok"
        parts = r.path.strip("/").split("/")
        if len(parts) >= 4 and parts[0] == "repos" and parts[3] == "issues":
            if len(parts) == 4 and r.method == "GET":
                return 200, self._list_issues(r.query)
            if len(parts) == 4 and r.method == "POST":
                issue = Issue(
                    number=len(self.issues) + 1,
                    title=str(r.body["title"]),
                    body=str(r.body.get("body", "")),
                    labels=[str(label) for label in r.body.get("labels", [])],
                )
                self.issues.append(issue)
                return 201, issue.json()
            if len(parts) == 6 and parts[5] == "comments" and r.method == "POST":
                issue = self.issues[int(parts[4]) - 1]
                issue.comments.append(str(r.body["body"]))
                return 201, {"id": len(issue.comments), "body": r.body["body"]}
        return 404, {"message": "Not Found"}

    def _list_issues(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        state = query.get("state", ["open"])[0]
        wanted = {x for x in query.get("labels", [""])[0].split(",") if x}
        return [
            issue.json()
            for issue in reversed(self.issues)
            if (state == "all" or issue.state == state) and wanted <= set(issue.labels)
        ]
