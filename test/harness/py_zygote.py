"""A warm Python for the tests' AWS CLI and boto3 runs (scripts/run-tests.mjs starts one per run).

Importing the AWS CLI or boto3 costs about 1 s of CPU, more than most calls they make. This process
imports them once, listens on a unix socket, and for each run (py_zygote_client.py, test/harness/run.ts)
forks a child that takes over the client's stdin, stdout and stderr, argv, environment, working
directory and umask, starts a session of its own, and runs the real program: the `aws` script's
`awscli.clidriver.main()`, or `python -c CODE`. The client exits with the child's exit code, or
dies of the same signal; signals sent to the client are passed on, and a client that dies (a
test's timeout) takes the child with it. Nothing is imported from moto here (it patches botocore).

Protocol: the client sends one message with its three descriptors attached: a 4-byte big-endian
length, then JSON {"kind": "aws" | "python", "argv", "env", "cwd", "umask"}. It may then send
4-byte signal numbers. The handler answers with one line, "exit N" or "signal N", once the child ends.
"""
import io
import json
import os
import random
import selectors
import signal
import socket
import struct
import sys
import traceback
import types

import zygote_accounting

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.dirname(sys.executable)


def warm():
    """Everything a run of the CLI or a boto3 client loads, loaded once here."""
    import awscli
    import awscli.clidriver
    import awscli.handlers  # noqa: F401  (the CLI's customizations: most of its import time)
    import boto3  # noqa: F401
    import botocore.session  # noqa: F401
    import encodings.idna  # noqa: F401
    for name in ("s3transfer.manager", "yaml", "rsa", "xml.dom.minidom", "multiprocessing.pool", "botocore.stub"):
        try:
            __import__(name)
        except ImportError:
            pass
    cli_data = os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), "data")
    keep_parsed_models(cli_data)
    return cli_data


# The services the tests' CLI runs and boto3 snippets call: their models are parsed here once.
WARM_SERVICES = ("iam", "sts", "ec2", "sso", "sso-oidc", "signin", "s3", "cloudformation")


def keep_parsed_models(cli_data):
    """Parses, once, the JSON data files a run loads (endpoints, partitions, the services' models):
    botocore parses them with an OrderedDict hook, about two thirds of a CLI run's CPU. Each child
    gets the parsed copy of each file once (copy-on-write after the fork, so what one run does to it
    stays in that run), exactly as a fresh parse would give it; a second load of the same file in
    one run parses the file again, as botocore without this would."""
    import botocore.loaders
    import botocore.session
    parsed = {}
    loader_class = botocore.loaders.JSONFileLoader
    parse = loader_class._load_file

    def recording(self, full_path, open_method):
        data = parse(self, full_path, open_method)
        if data is not None:
            parsed[full_path] = data
        return data

    loader_class._load_file = recording
    try:
        session = botocore.session.get_session()
        session.set_config_variable("region", "us-east-1")
        loader = session.get_component("data_loader")
        loader.search_paths.append(cli_data)
        for name in ("endpoints", "partitions", "sdk-default-configuration", "_retry", "cli"):
            try:
                loader.load_data(name)
            except Exception:
                pass
        for service in WARM_SERVICES:
            for kind in ("service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1"):
                try:
                    loader.load_service_model(service, kind)
                except Exception:
                    pass
    finally:
        loader_class._load_file = parse
    handed = set()

    def first_parsed(self, full_path, open_method):
        if full_path in parsed and full_path not in handed and os.path.isfile(full_path):
            handed.add(full_path)
            return parsed[full_path]
        return parse(self, full_path, open_method)

    loader_class._load_file = first_parsed


# The zygote imports with HOME and the working directory set to this sentinel, so any value a
# module computed from them at import time (botocore's and the CLI's cache folders are class
# attributes and defaults) can be found, and given the program's own HOME in each child.
SENTINEL = "/nonexistent-rolegate-py-zygote-home"


def captured_paths():
    """Where a loaded module kept a string made from the sentinel HOME: (holder, name, kind, value).
    Looks at module globals, class attributes and function defaults; a capture inside a container
    can't be redone in a child, so it is refused (the run then goes without this zygote)."""
    found, refused = [], []

    def look(holder, name, kind, value, where):
        if isinstance(value, str):
            if SENTINEL in value:
                found.append((holder, name, kind, value))
        elif isinstance(value, (list, tuple, set, frozenset, dict)) and kind != "defaults":
            items = value.values() if isinstance(value, dict) else value
            if any(isinstance(item, str) and SENTINEL in item for item in items):
                refused.append(where)

    for module_name, module in list(sys.modules.items()):
        if module_name in ("sys", "__main__", __name__):
            continue
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            look(module, name, "global", value, f"{module_name}.{name}")
            if isinstance(value, type) and value.__module__ == module_name:
                for attribute, member in list(vars(value).items()):
                    look(value, attribute, "class", member, f"{module_name}.{name}.{attribute}")
                    function = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
                    if isinstance(function, types.FunctionType) and function.__defaults__:
                        if any(isinstance(d, str) and SENTINEL in d for d in function.__defaults__):
                            found.append((function, "__defaults__", "defaults", function.__defaults__))
            if isinstance(value, types.FunctionType) and value.__module__ == module_name and value.__defaults__:
                if any(isinstance(d, str) and SENTINEL in d for d in value.__defaults__):
                    found.append((value, "__defaults__", "defaults", value.__defaults__))
    return found, refused


def rehome(captures, home):
    """Gives every captured sentinel path the program's HOME, as its own import would have."""
    swap = lambda value: value.replace(SENTINEL, home) if isinstance(value, str) else value  # noqa: E731
    for holder, name, kind, value in captures:
        if kind == "defaults":
            holder.__defaults__ = tuple(swap(d) for d in value)
        else:
            setattr(holder, name, swap(value))


def python_environment(env):
    """The environment a fresh Python would run with: PEP 538's coercion of the C locale."""
    env = dict(env)
    if env.get("PYTHONCOERCECLOCALE") != "0" and not env.get("LC_ALL"):
        if (env.get("LC_CTYPE") or env.get("LANG") or "C") in ("C", "POSIX"):
            env["LC_CTYPE"] = "C.UTF-8"
    return env


def reopen_std_streams():
    """New sys.stdin/stdout/stderr on descriptors 0-2, with the settings Python gave this process's."""
    def stream(fd, old, mode):
        raw = io.FileIO(fd, mode, closefd=False)
        tty = raw.isatty()
        if mode == "rb":
            buffered = io.BufferedReader(raw)
        else:
            buffered = io.BufferedWriter(raw)
        return io.TextIOWrapper(buffered, encoding=old.encoding, errors=old.errors, line_buffering=tty or fd == 2, write_through=fd == 2)

    sys.stdin = sys.__stdin__ = stream(0, sys.__stdin__, "rb")
    sys.stdout = sys.__stdout__ = stream(1, sys.__stdout__, "wb")
    sys.stderr = sys.__stderr__ = stream(2, sys.__stderr__, "wb")


def run_program(request, cli_data, captures):
    """In the forked child: become the program and run it; never returns."""
    env = python_environment(request["env"])
    argv = request["argv"]
    code = 0
    try:
        os.chdir(request["cwd"])
        os.umask(request["umask"])
        os.environ.clear()
        os.environ.update(env)
        rehome(captures, os.path.expanduser("~"))
        random.seed()
        reopen_std_streams()
        if request["kind"] == "aws":
            # what the `aws` script and awscli/__init__.py do before main()
            if os.environ.get("LC_CTYPE", "") == "UTF-8":
                os.environ["LC_CTYPE"] = "en_US.UTF-8"
            paths = [os.path.expanduser(os.path.expandvars(p)) for p in os.environ.get("AWS_DATA_PATH", "").split(os.pathsep) if "AWS_DATA_PATH" in os.environ]
            os.environ["AWS_DATA_PATH"] = os.pathsep.join(paths + [cli_data])
            sys.argv = [os.path.join(BIN, "aws")] + argv
            sys.path[0] = BIN
            import awscli.clidriver
            sys.exit(awscli.clidriver.main())
        else:
            # python -c CODE ARGS...
            if argv[:1] != ["-c"] or len(argv) < 2:
                raise SystemExit("py_zygote: only `python -c CODE` is supported")
            sys.argv = ["-c"] + argv[2:]
            sys.path[0] = ""
            main = types.ModuleType("__main__")
            main.__dict__["__builtins__"] = __builtins__
            sys.modules["__main__"] = main
            try:
                exec(compile(argv[1], "<string>", "exec"), main.__dict__)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as error:  # as Python prints it: without this file's frame
                traceback.print_exception(type(error), error, error.__traceback__.tb_next)
                code = 1
    except SystemExit as exit:
        if exit.code is None:
            code = 0
        elif isinstance(exit.code, int):
            code = exit.code
        else:
            print(exit.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:
        code = 130
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code & 0xFF)


def receive(conn):
    """The client's request and its three descriptors."""
    message, fds, _flags, _address = socket.recv_fds(conn, 1 << 20, 3)
    while len(message) < 4 or len(message) < 4 + struct.unpack(">I", message[:4])[0]:
        more = conn.recv(1 << 20)
        if not more:
            raise EOFError("the client left before its request was complete")
        message += more
    length = struct.unpack(">I", message[:4])[0]
    return json.loads(message[4:4 + length]), fds, message[4 + length:]


def handle(conn, cli_data, captures):
    """In a forked handler: start the program, pass signals on, report how it ended."""
    job = zygote_accounting.job_of(conn)
    request, fds, rest = receive(conn)
    pid = os.fork()
    if pid == 0:
        conn.close()
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        run_program(request, cli_data, captures)
    for fd in fds:
        os.close(fd)
    child = os.pidfd_open(pid)
    events = selectors.DefaultSelector()
    events.register(conn, selectors.EVENT_READ)
    events.register(child, selectors.EVENT_READ)
    pending = rest
    while True:
        for key, _ in events.select():
            if key.fileobj == child:
                _, status = os.waitpid(pid, 0)
                answer = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
                try:
                    conn.sendall(answer.encode() + b"\n")
                except OSError:
                    pass
                zygote_accounting.record(job)
                os._exit(0)
            data = conn.recv(64)
            if not data:  # the client died: so does its program
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                events.unregister(conn)
                continue
            pending += data
            while len(pending) >= 4:
                number = struct.unpack(">I", pending[:4])[0]
                pending = pending[4:]
                try:
                    os.kill(pid, number)
                except ProcessLookupError:
                    pass


def serve(path):
    os.environ["HOME"] = SENTINEL
    os.chdir("/")
    cli_data = warm()
    captures, refused = captured_paths()
    if refused:
        print(json.dumps({"refused": refused}), flush=True)
        sys.exit(1)
    zygote_accounting.serve_forks(path, lambda conn: handle(conn, cli_data, captures))


if __name__ == "__main__":
    serve(sys.argv[1])
