#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stand-in for a Slack incoming webhook, for tests (stdlib only).

    python3 tests/slack_stub.py MODE RECORD_FILE [MAX_REQUESTS]

Listens on 127.0.0.1 on an ephemeral port and prints the port on the first
line of stdout (flushed). Each request body is appended to RECORD_FILE
followed by one newline (lablog sends compact JSON, which has no raw
newlines). Exits after MAX_REQUESTS requests (default 1) or when killed.

MODE (the last path segment overrides it when it names a mode):
  ok         POST with Content-Type application/json and a JSON body whose
             "text" is a non-empty string -> 200 "ok"; else 400
             "invalid_payload", as Slack does
  bad        always 400 "invalid_payload"
  ratelimit  first request 429 "rate_limited" with Retry-After: 1, then
             like ok
  limited    always 429 "rate_limited" with Retry-After: 1
  slow       sleeps 30 s before answering (longer than any client timeout)
  echo       404 with a long body that quotes the request path and holds
             control bytes (for tests that errors redact and bound it)
"""
import http.server
import json
import sys
import time

MODES = ("ok", "bad", "ratelimit", "limited", "slow", "echo")


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "slack-stub"

    def log_message(self, *args):
        pass  # keep test output clean

    def reply(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (slow mode)

    def valid_payload(self, body):
        ctype = self.headers.get("Content-Type", "")
        if self.command != "POST":
            return False
        if ctype.split(";")[0].strip().lower() != "application/json":
            return False
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return False
        text = doc.get("text") if isinstance(doc, dict) else None
        return isinstance(text, str) and text != ""

    def handle_any(self):
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length) if length > 0 else b""
        with open(self.server.record, "ab") as f:
            f.write(body + b"\n")
        self.server.count += 1
        mode = self.server.mode
        last = self.path.rstrip("/").rsplit("/", 1)[-1]
        if last in MODES:
            mode = last
        if mode == "slow":
            time.sleep(30)
        if mode == "bad":
            self.reply(400, "invalid_payload")
        elif mode == "echo":
            self.reply(404, "no_service for " + self.path + "\x01\x1b[2J" +
                       "x" * 300 + "\n")
        elif mode == "limited" or (mode == "ratelimit" and
                                   self.server.count == 1):
            self.reply(429, "rate_limited", [("Retry-After", "1")])
        elif self.valid_payload(body):
            self.reply(200, "ok")
        else:
            self.reply(400, "invalid_payload")

    do_POST = handle_any
    do_GET = handle_any
    do_PUT = handle_any


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in MODES:
        sys.stderr.write(__doc__)
        return 2
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    server.mode = sys.argv[1]
    server.record = sys.argv[2]
    server.count = 0
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    print(server.server_address[1], flush=True)
    while server.count < limit:
        server.handle_request()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
