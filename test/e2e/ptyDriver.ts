// Drives a command at a pseudo-terminal (Python's pty, so the command has a controlling terminal and
// /dev/tty): waits for each expected text on the screen and types the answer, as a person would.
import { join } from 'node:path';
import { venvBin } from '../harness/paths.js';
import { run } from '../harness/run.js';

/** Typed by a person: Ctrl-C and Ctrl-D reach a program reading the terminal raw as these bytes. */
export const CTRL_C = '\u0003';
export const CTRL_D = '\u0004';

export interface TerminalStep {
  /** A regular expression (Python syntax) the screen shows before the answer is typed. */
  expect: string;
  /**
   * What is typed. `{code}` and `{next-code}` stand for the current and the following TOTP code of
   * the secret the screen showed (setup's pairing: "secret: ABCD EFGH ..."), as an authenticator
   * app would show them. \`{wrong-code}\` is a code of six digits that the current one is not.
   */
  send: string;
  /** Milliseconds to watch the screen once the text showed, before typing: what it drew meanwhile goes to `drawn`. */
  watchMs?: number;
}

export interface TerminalRun {
  /** The exit status (a signal's death is 128 + its number). */
  status: number;
  /** Everything the terminal showed, the pairing secret blanked out. */
  screen: string;
  /** Set when an expected text never came (the screen so far is in `screen`). */
  error?: string;
  /** For each step with `watchMs`, by its index: what the screen drew while it was watched. */
  drawn: Record<number, string>;
}

const DRIVER = String.raw`
import base64, hashlib, hmac, json, os, pty, re, select, struct, sys, time
args = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(args["cmd"][0], args["cmd"], args["env"])
buf = b""
secret = None
def read_some(wait):
    global buf
    r, _, _ = select.select([fd], [], [], wait)
    if not r:
        return True
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return False
    buf += chunk
    return bool(chunk)
def redact(data):
    text = data.decode("utf-8", "replace")
    if secret:
        text = text.replace(secret, "<SECRET>")
    return re.sub(r"secret: [A-Z2-7 ]+", "secret: <SECRET>", text)
def code(counter):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
def finish(error=None):
    if error:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status) if not error else -1, "screen": redact(buf), "error": error, "drawn": drawn}))
    sys.exit(0)
start = 0
counter = None
drawn = {}
for index, step in enumerate(args["steps"]):
    end = time.time() + 60
    pattern = step["expect"].encode()
    while True:
        m = re.compile(pattern).search(buf, start)
        if m:
            start = m.end()
            break
        if time.time() > end or not read_some(0.2):
            finish("never showed: " + step["expect"])
    if step.get("watchMs"):
        mark = len(buf)
        until = time.time() + step["watchMs"] / 1000
        while time.time() < until:
            read_some(0.05)
        drawn[index] = buf[mark:].decode("utf-8", "replace")
    found = re.search(rb"secret: ([A-Z2-7 ]+?)\r?\n", buf)
    if found:
        secret = found.group(1).decode().replace(" ", "")
    send = step["send"]
    if "{wrong-code}" in send:
        send = send.replace("{wrong-code}", "%06d" % ((int(code(int(time.time() // 30))) + 500000) % 1000000))
    if "{code}" in send or "{next-code}" in send:
        # one counter for both, so the two codes follow each other even if the window turns between
        counter = counter if counter is not None else int(time.time() // 30)
        send = send.replace("{code}", code(counter)).replace("{next-code}", code(counter + 1))
    os.write(fd, send.encode())
end = time.time() + 90
while time.time() < end and read_some(1):
    pass
if time.time() >= end:
    finish("did not end within 90 s")
finish()
`;

/** Runs `cmd` at a pseudo-terminal (of type `term`), typing each step's answer once its text is on the screen. */
export async function atTerminal(cmd: string[], env: NodeJS.ProcessEnv, steps: TerminalStep[], term = 'dumb'): Promise<TerminalRun> {
  const result = await run(join(venvBin, 'python'), ['-c', DRIVER, JSON.stringify({ cmd, env: { ...env, TERM: term }, steps })], { env, timeoutMs: 180_000 });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(last) as { status: number; screen: string; error: string | null; drawn: Record<number, string> };
    return { status: parsed.status, screen: parsed.screen, drawn: parsed.drawn, ...(parsed.error ? { error: parsed.error } : {}) };
  } catch {
    return { status: -1, screen: result.stdout + result.stderr, drawn: {}, error: 'the terminal driver failed' };
  }
}
