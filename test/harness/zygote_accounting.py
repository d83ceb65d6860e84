"""CPU accounting for the test run's warm processes (py_zygote.py, moto_launcher.py --zygote).

Their forks run for test files but are not the files' child processes, so the runner's per-file
CPU (the shell's `times`) misses them. Each fork that served a client appends "JOB SECONDS" to the
file named by ROLEGATE_TEST_ZYGOTE_CPU_FILE, JOB being the runner's process for that test file
(the ancestor whose parent is ROLEGATE_TEST_RUNNER_PID), SECONDS its CPU and its children's;
scripts/run-tests.mjs adds them to the files' CPU and the run's total. Also the loop both warm
processes serve their forks with (serve_forks)."""
import gc
import json
import os
import resource
import selectors
import signal
import socket
import struct
import sys


def reap_children():
    """Reaps ended children as they end, so their CPU counts in this process's children's time."""
    def reap(_number, _frame):
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass

    signal.signal(signal.SIGCHLD, reap)


def wait_for_children(seconds=5):
    """Waits (bounded) for forks still noting their CPU: the last files' servers end with them."""
    import time
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.05)
        except ChildProcessError:
            return


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def job_of(conn):
    """The runner's job process above the process at the other end of this unix socket, or None."""
    runner = int(os.environ.get("ROLEGATE_TEST_RUNNER_PID") or 0)
    try:
        pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
        for _ in range(20):
            parent = parent_of(pid)
            if parent == runner:
                return pid
            if parent <= 1:
                return None
            pid = parent
    except (OSError, ValueError, IndexError):
        return None
    return None


def record(job):
    """Appends this process's CPU and its reaped children's for `job` (call just before exiting)."""
    path = os.environ.get("ROLEGATE_TEST_ZYGOTE_CPU_FILE")
    if not path or job is None:
        return
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    with open(path, "a") as out:
        out.write(f"{job} {seconds:.3f}\n")


def own():
    """This process's own CPU, in seconds (its forks report theirs with record())."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 3)


def serve_forks(path, handle):
    """Listens on the unix socket `path` and hands each connection to `handle(conn)` in a process
    forked from this warm one (which exits when `handle` returns). Says {"ready": path} on stdout
    once listening; ends, with {"cpu": ...}, when stdin closes (the test runner ended)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    reap_children()
    gc.freeze()  # forks never collect the warm heap: no pass over it, fewer pages copied
    print(json.dumps({"ready": path}), flush=True)
    events = selectors.DefaultSelector()
    events.register(listener, selectors.EVENT_READ)
    events.register(sys.stdin, selectors.EVENT_READ)
    while True:
        for key, _ in events.select():
            if key.fileobj is sys.stdin:
                wait_for_children()
                print(json.dumps({"cpu": own()}), flush=True)
                os._exit(0)
            conn, _ = listener.accept()
            if os.fork() == 0:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                listener.close()
                try:
                    handle(conn)
                finally:
                    os._exit(1)
            conn.close()
