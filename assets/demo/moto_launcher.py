"""The AWS emulator of `rolegate demo`: moto's server on 127.0.0.1 and a free port.

Prints {"port": N} on stdout once it listens, then serves until stdin closes: the demo holds the
pipe, so the emulator ends with the demo even when the demo is killed.
"""
import json
import os
import sys
import threading

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def serve(wrap=lambda app: app):
    """Serves moto (through `wrap`, a WSGI middleware, if given) until stdin closes."""
    app = wrap(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": server.server_port}), flush=True)
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    serve()
