// setup at a terminal (a pseudo-terminal driven from Python): it shows the plan and asks, draws the
// QR code and the secret, asks again after a wrong code, and pairs with two consecutive codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { venvBin, rolegateBin } from '../harness/paths.js';
import { run } from '../harness/run.js';
import { accountListing, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();

// Answers the prompts like a person with an authenticator app would. The secret is read from the
// screen to compute codes, and blanked out of the transcript it returns.
const DRIVER = String.raw`
import base64, hashlib, hmac, json, os, pty, re, select, struct, sys, time
args = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(args["cmd"][0], args["cmd"], args["env"])
buf = b""
def read_some(wait):
    """Adds what the terminal shows within wait seconds to buf; False once the child has closed it."""
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
def read_until(pattern, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        m = re.search(pattern, buf)
        if m:
            return m
        if not read_some(0.2):
            break
    print(json.dumps({"error": "timeout waiting for " + pattern.decode(), "output": redact(buf)}))
    sys.exit(1)
secret = None
def redact(data):
    text = data.decode("utf-8", "replace")
    if secret:
        text = text.replace(secret, "<SECRET>")
        text = re.sub(r"secret: [A-Z2-7 ]+", "secret: <SECRET>", text)
    return text
def code(counter):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
# the key file's passphrase is asked for by the preflight, before anything is created
drawn_over_prompt = None
if args.get("passphrase"):
    read_until(rb"passphrase for [^\r\n]+: ")
    mark = len(buf)
    end = time.time() + 1.0
    while time.time() < end:
        read_some(0.1)
    drawn_over_prompt = buf[mark:].decode("utf-8", "replace")
    if args.get("shortPassphrase"):
        os.write(fd, (args["shortPassphrase"] + "\r").encode())
        read_until(rb"too short; passphrase for [^\r\n]+: ")
    os.write(fd, (args["passphrase"] + "\r").encode())
    read_until(rb"same passphrase again: ")
    os.write(fd, (args["passphrase"] + "\r").encode())
if "--yes" not in args["cmd"]:
    read_until(rb"Apply these changes\? \[y/N\] ")
    os.write(fd, b"y\r")
m = read_until(rb"secret: ([A-Z2-7 ]+?)\r?\n")
secret = m.group(1).decode().replace(" ", "")
qr = "\u2580".encode() in buf or "\u2584".encode() in buf or "\u2588".encode() in buf
read_until(rb"MFA code 1: ")
os.write(fd, b"abc\r")
read_until(rb"Type the 6 digits")
counter = int(time.time() // 30)
os.write(fd, (str((int(code(counter)) + 500000) % 1000000).zfill(6) + "\r").encode())
read_until(rb"does not match")
mark = len(buf)
counter = int(time.time() // 30)
os.write(fd, (code(counter) + "\r").encode())
read_until(rb"MFA code 2")
os.write(fd, (code(counter + 1) + "\r").encode())
while read_some(60):
    pass
_, status = os.waitpid(pid, 0)
print(json.dumps({"status": os.waitstatus_to_exitcode(status), "qr": qr, "output": redact(buf), "drawnOverPrompt": drawn_over_prompt}))
`;

test('at a terminal: plan and question, QR code, a wrong code asked again, then paired', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const cmd = [process.execPath, rolegateBin, 'setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain'];
    const result = await run(join(venvBin, 'python'), ['-c', DRIVER, JSON.stringify({ cmd, env: { ...box.env, TERM: 'dumb' } })], {
      env: box.env,
      timeoutMs: 120_000,
    });
    const last = result.stdout.trim().split('\n').pop() ?? '{}';
    const outcome = JSON.parse(last) as { status?: number; qr?: boolean; output: string; error?: string };
    assert.equal(outcome.error, undefined, outcome.output);
    assert.equal(outcome.status, 0, outcome.output);
    assert.equal(outcome.qr, true, 'a QR code was drawn');
    assert.match(outcome.output, /Plan for account 123456789012/);
    assert.match(outcome.output, /"aws:MultiFactorAuthPresent": "true"/);
    assert.match(outcome.output, /Type the 6 digits your authenticator app shows/);
    assert.match(outcome.output, /That code does not match/);
    assert.match(outcome.output, /Setup complete/);
    const listing = await accountListing(box);
    assert.deepEqual(listing.users[0]!.mfa, ['arn:aws:iam::123456789012:mfa/admin']);
  } finally {
    box.cleanup();
  }
});

test('at a terminal with the file store: the passphrase prompt stands alone, no spinner draws over it; a short one is asked for again', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const cmd = [process.execPath, rolegateBin, 'setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', '--yes'];
    // CI=true turns the spinner off; this test is about the spinner, so the child runs without it
    const env: NodeJS.ProcessEnv = { ...box.env, TERM: 'xterm' };
    delete env.CI;
    delete env.ROLEGATE_FILE_PASSPHRASE;
    const args = { cmd, env, shortPassphrase: 'too short', passphrase: 'correct horse battery staple' };
    const result = await run(join(venvBin, 'python'), ['-c', DRIVER, JSON.stringify(args)], {
      env: box.env,
      timeoutMs: 120_000,
    });
    const last = result.stdout.trim().split('\n').pop() ?? '{}';
    const outcome = JSON.parse(last) as { status?: number; output: string; error?: string; drawnOverPrompt?: string };
    assert.equal(outcome.error, undefined, outcome.output);
    assert.equal(outcome.status, 0, outcome.output);
    assert.equal(typeof outcome.drawnOverPrompt, 'string', 'the passphrase was asked for');
    assert.doesNotMatch(outcome.drawnOverPrompt!, /[\u2800-\u28ff]/, 'no spinner frame while the prompt waits');
    assert.match(outcome.output, /Setup complete/);
    assert.doesNotMatch(outcome.output, /correct horse|too short\r?\n/, 'the passphrase is not echoed');
    assert.match(outcome.output, /too short; passphrase for .*keys\.enc \(at least 12 characters\): /, 'a short one is asked for again');
  } finally {
    box.cleanup();
  }
});
