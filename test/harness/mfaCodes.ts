/**
 * Genuine MFA codes for the tests, never one twice: the strict layer (strictAws.ts) refuses a code
 * already used for a device, as AWS does. Per device (named by its seed) a state file in the test's
 * sandbox HOME holds the last TOTP step handed out; the next code is that of the earliest unused step
 * the layer still accepts (the previous step while 10 s of the current one remain, the current, the
 * next), else the source moves the test TOTP clock (totpClock.ts) on to the step where that code is
 * accepted (whole steps, at most two), where a person would wait for it. A code source run by
 * rolegate gets ROLEGATE_TOTP_TIME, the time rolegate wants a code for (its rule allows one code per
 * 30 s window, mfaWindow.ts): the code is never of a step before that time's.
 *
 * There is deliberately no lock: two processes that ask at the same moment may get the same code,
 * and the layer then refuses the second; rolegate's own lock must make sure that never happens.
 *
 * `PYTHON_MFA_HELPERS` is the same allocation for boto3 fixtures (it enables a device with two
 * consecutive genuine codes and records them).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { STEP_SECONDS, currentStep, seedTag, totpCode } from './totp.js';
import { TOTP_CLOCK_VARIABLE, advanceTotpClock, rolegateTotpTime, totpNow } from './totpClock.js';

/** Seconds of the current step that must remain to hand out the previous step's code. */
const PREVIOUS_STEP_MARGIN = 10;

export function codeStateFile(home: string, seed: string): string {
  return join(home, '.test-totp', `${seedTag(seed)}.json`);
}

function lastStep(file: string): number {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { last: number }).last;
  } catch {
    return -Infinity;
  }
}

function recordStep(file: string, step: number): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ last: step }), { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * The step the next code should come from at `nowMs` (not before the step of `wantedMs`, the time
 * rolegate asked for), or the whole steps to wait before it is accepted.
 */
export function nextStep(last: number, nowMs: number, wantedMs?: number): { step: number } | { waitSteps: number } {
  const n = currentStep(nowMs);
  const intoStep = nowMs / 1000 - n * STEP_SECONDS;
  const lowest = intoStep < STEP_SECONDS - PREVIOUS_STEP_MARGIN ? n - 1 : n;
  const step = Math.max(last + 1, lowest, wantedMs === undefined ? -Infinity : currentStep(wantedMs));
  if (step <= n + 1) return { step };
  return { waitSteps: step - 1 - n };
}

/**
 * The next unused code of the device with this seed (state under `home`), not of a step before
 * `wantedMs` (default: ROLEGATE_TOTP_TIME, when rolegate runs the source).
 */
export async function nextMfaCode(seed: string, home: string, wantedMs: number | undefined = rolegateTotpTime()): Promise<string> {
  const file = codeStateFile(home, seed);
  const next = nextStep(lastStep(file), totpNow(), wantedMs);
  if ('waitSteps' in next) {
    if (next.waitSteps > 2) throw new Error('no unused MFA code within two steps: the state file is ahead of the clock');
    advanceTotpClock(next.waitSteps);
  }
  const step = 'step' in next ? next.step : (nextStep(lastStep(file), totpNow(), wantedMs) as { step: number }).step;
  recordStep(file, step);
  return totpCode(seed.trim(), step);
}

/**
 * Python for boto3 fixtures: `enable_mfa(iam, user, serial, seed)` enables the device with two
 * consecutive genuine codes and records them in the same state file under $HOME, on the same
 * TOTP clock (moved by whole steps, as totpClock.ts does).
 */
export const PYTHON_MFA_HELPERS = `
import base64 as _b64, hashlib as _hl, hmac as _hm, json as _js, os as _os, struct as _st, time as _tm
def _totp(seed, step):
    key = _b64.b32decode(seed.strip().upper() + "=" * (-len(seed.strip()) % 8))
    digest = _hm.new(key, _st.pack(">Q", step), _hl.sha1).digest()
    offset = digest[-1] & 15
    return "%06d" % ((_st.unpack(">I", digest[offset:offset + 4])[0] & 0x7fffffff) % 1000000)
def _state_file(seed):
    return _os.path.join(_os.environ["HOME"], ".test-totp", _hl.sha256(seed.strip().encode()).hexdigest()[:16] + ".json")
def enable_mfa(iam, user, serial, seed):
    seed = seed.decode() if isinstance(seed, bytes) else seed
    path = _state_file(seed)
    try:
        last = _js.load(open(path))["last"]
    except Exception:
        last = None
    clock = _os.environ.get("${TOTP_CLOCK_VARIABLE}")
    def _offset():
        try:
            return float(open(clock).read() or 0)
        except (TypeError, OSError, ValueError):
            return 0.0
    def _now():
        return _tm.time() + _offset() / 1000
    def _advance(steps):
        if not clock:
            return _tm.sleep(steps * ${STEP_SECONDS} - _now() % ${STEP_SECONDS} + 0.05)
        with open(clock + ".py.tmp", "w") as f:
            f.write(str(int(_offset() + steps * ${STEP_SECONDS} * 1000)))
        _os.replace(clock + ".py.tmp", clock)
    while True:
        now = _now()
        n = int(now // ${STEP_SECONDS})
        lowest = n - 1 if now - n * ${STEP_SECONDS} < ${STEP_SECONDS - PREVIOUS_STEP_MARGIN} else n
        first = lowest if last is None else max(last + 1, lowest)
        if first + 1 <= n + 1:
            break
        _advance(first - n)
    iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=_totp(seed, first), AuthenticationCode2=_totp(seed, first + 1))
    _os.makedirs(_os.path.dirname(path), mode=0o700, exist_ok=True)
    with open(path + ".tmp", "w") as f:
        _js.dump({"last": first + 1}, f)
    _os.replace(path + ".tmp", path)
`;
