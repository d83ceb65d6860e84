"""Starts moto's server on 127.0.0.1 and a free port for one test process.

Prints {"port": N} on stdout once it listens, then serves until stdin closes: the parent test
process holds the pipe, so the server ends with it even when the parent is killed.

`--zygote SOCKET` (scripts/run-tests.mjs, once per run): imports moto and warms it once, then forks
a server for each test file that connects to SOCKET, and a fresh one on the same port for each
reset, so no file pays moto's start and no test its reset (about 1.5 s and 0.3 s of CPU each).

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
import signal
import sys
import threading
from urllib.parse import parse_qs

sys.dont_write_bytecode = True  # no __pycache__ inside assets/, which ships
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "demo"))
from moto.server import DomainDispatcherApplication, create_backend_app  # noqa: E402
from moto_launcher import answer_moto_gaps, serve  # noqa: E402  (the shipped launcher, found through the path above)
import zygote_accounting  # noqa: E402  (beside this file)

ACCOUNT_ID = "123456789012"
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


def warm(app):
    """Runs the requests every test file makes first (IAM, STS, a reset) through the app, so the
    modules, backends and routes they load are loaded once here, then resets to a pristine state."""
    from werkzeug.test import Client
    from moto.iam.models import PARTITION_NAMES, iam_backends
    client = Client(app)
    auth = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    client.post("/", data="Action=ListUsers&Version=2010-05-08", headers={**form, "Authorization": auth.format("iam")})
    client.post("/", data="Action=GetCallerIdentity&Version=2011-06-15", headers={**form, "Authorization": auth.format("sts")})
    client.post("/moto-api/reset")
    # what the first request of a fresh server builds: moto finds a request's account by looking
    # for its access key in every partition's IAM of every account, and builds each of those with
    # AWS's managed policies (about 140 ms of CPU per partition, in every fork)
    for partition in PARTITION_NAMES:
        iam_backends[ACCOUNT_ID][partition]
    with LOG_LOCK:
        LOG.clear()


def die_with_parent():
    """This process is SIGKILLed when the one that forked it ends (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def serve_file(conn, app):
    """One test file's server: a listening socket kept here, served by a child forked from this
    pristine process; `reset` replaces that child with a fresh one on the same port (what moto's
    reset API does, without rebuilding every backend), the connection's end ends both."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)

    def start():
        pid = os.fork()
        if pid == 0:
            die_with_parent()
            conn.close()
            server.serve_forever()
            os._exit(0)
        return pid

    job = zygote_accounting.job_of(conn)
    child = start()
    conn.sendall((json.dumps({"port": server.server_port}) + "\n").encode())
    for line in conn.makefile("rb"):
        if line.strip() != b"reset":
            break
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        child = start()
        conn.sendall(b"ok\n")
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    zygote_accounting.record(job)
    os._exit(0)


def zygote(path):
    """Serves moto servers on demand: listens on the unix socket `path`; each connection gets a
    process forked from this warm one (serve_file). Ends when stdin closes (the test runner)."""
    app = harness(answer_moto_gaps(DomainDispatcherApplication(create_backend_app)))
    warm(app)
    zygote_accounting.serve_forks(path, lambda conn: serve_file(conn, app))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        zygote(sys.argv[2])
    else:
        serve(harness)
