"""Starts moto's server on 127.0.0.1 and a free port for one test process.

Prints {"port": N} on stdout once it listens, then serves until stdin closes: the parent test
process holds the pipe, so the server ends with it even when the parent is killed.

Adds two harness routes beside moto's own:
  GET  /_harness/requests        -> [{"service", "action", "access_key"}] in arrival order
  POST /_harness/requests/clear  -> empties the log
so tests can count the AWS calls a command made (e.g. exactly one GetSessionToken).

The server itself is the demo's launcher (assets/demo/moto_launcher.py), given this middleware.
"""
import io
import json
import os
import re
import sys
import threading
from urllib.parse import parse_qs

sys.dont_write_bytecode = True  # no __pycache__ inside assets/, which ships
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "demo"))
from moto_launcher import serve  # noqa: E402  (the shipped launcher, found through the path above)

LOG = []
LOG_LOCK = threading.Lock()
CREDENTIAL_RE = re.compile(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/")


def record(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    action = None
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        action = target.split(".")[-1]
    else:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        form = parse_qs(body.decode("utf-8", "replace")) if body else {}
        action = (form.get("Action") or query.get("Action") or [None])[0]
    match = CREDENTIAL_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
    with LOG_LOCK:
        LOG.append({
            "service": match.group(2) if match else None,
            "action": action,
            "access_key": match.group(1) if match else None,
            "path": environ.get("PATH_INFO"),
        })


def harness(app):
    def wrapped(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/_harness/requests":
            with LOG_LOCK:
                payload = json.dumps(LOG).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [payload]
        if path == "/_harness/requests/clear":
            with LOG_LOCK:
                LOG.clear()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b"{}"]
        if not path.startswith("/moto-api"):
            record(environ)
        return app(environ, start_response)
    return wrapped


if __name__ == "__main__":
    serve(harness)
