"""The AWS emulator of `rolegate demo`: moto's server on 127.0.0.1 and a free port.

Prints {"port": N} on stdout once it listens, then serves until stdin closes: the demo holds the
pipe, so the emulator ends with the demo even when the demo is killed.
"""
import io
import json
import os
import sys
import threading
import uuid
from urllib.parse import parse_qs

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


# IAM reads that teardown makes and moto 5.2.1 does not implement (it answers HTTP 500). Nothing
# in the emulator can create a service-specific credential, so AWS's answer for a user is an empty list.
EMPTY_IAM_LISTS = {
    "ListServiceSpecificCredentials": "<ServiceSpecificCredentials/>",
}


def answer_moto_gaps(app):
    """WSGI middleware: answers the IAM reads in EMPTY_IAM_LISTS as AWS would; the rest goes to moto."""

    def middleware(environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            return app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        if action not in EMPTY_IAM_LISTS:
            return app(environ, start_response)
        xml = (
            f'<{action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            f"<{action}Result>{EMPTY_IAM_LISTS[action]}</{action}Result>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>"
        ).encode()
        start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(xml)))])
        return [xml]

    return middleware


def serve(wrap=lambda app: app):
    """Serves moto (through `wrap`, a WSGI middleware, if given) until stdin closes."""
    app = wrap(answer_moto_gaps(DomainDispatcherApplication(create_backend_app)))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": server.server_port}), flush=True)
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    serve()
