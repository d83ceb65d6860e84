"""Runs `aws ARGS` or `python -c CODE` in the run's warm Python (py_zygote.py), as this process:
the same descriptors, environment, working directory and umask; exits as the program exits.
Usage: python -I -S py_zygote_client.py SOCKET aws|python ARGS... (stdlib only, starts in ~20 ms).
Without the zygote it runs the program itself (exec), so a test never depends on it."""
import json
import os
import signal
import socket
import struct
import sys

path, kind, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
bin_dir = os.path.dirname(sys.executable)
umask = os.umask(0)
os.umask(umask)
request = json.dumps({"kind": kind, "argv": argv, "env": dict(os.environ), "cwd": os.getcwd(), "umask": umask}).encode()
conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    conn.connect(path)
    socket.send_fds(conn, [struct.pack(">I", len(request)) + request], [0, 1, 2])
except OSError:
    program = os.path.join(bin_dir, "aws" if kind == "aws" else "python")
    os.execv(program, [program] + argv)


def forward(number, _frame):
    try:
        conn.sendall(struct.pack(">I", number))
    except OSError:
        pass


for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
    signal.signal(number, forward)
answer = b""
while not answer.endswith(b"\n"):
    chunk = conn.recv(64)
    if not chunk:
        sys.stderr.write("py_zygote_client: the warm Python ended without an answer\n")
        os._exit(70)
    answer += chunk
how, number = answer.decode().split()
if how == "signal":
    signal.signal(int(number), signal.SIG_DFL)
    os.kill(os.getpid(), int(number))
os._exit(int(number))
