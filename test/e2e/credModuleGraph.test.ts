import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeSandbox } from '../harness/sandbox.js';
import { run } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { writeSessionEntry } from '../../src/cache/sessionCache.js';
import { MFA_SERIAL, ROLE_ARN } from './credFixture.js';
import { credentialProcessCommand } from '../../src/credentials/credentialProcessCommand.js';

/**
 * Runs the CLI with a module hook that records every module it loads (ESM through a resolve hook,
 * CommonJS through require.cache at exit), and returns the file URLs.
 */
async function loadedModules(args: string[], env: NodeJS.ProcessEnv, dir: string) {
  const log = join(dir, 'modules.log');
  const hooks = join(dir, 'hooks.mjs');
  const register = join(dir, 'register.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`,
  );
  writeFileSync(
    register,
    `import { register } from 'node:module';
import { createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const require = createRequire(import.meta.url);
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).map((p) => 'cjs:' + p + '\\n').join('')));`,
  );
  writeFileSync(log, '');
  const result = await run(process.execPath, ['--import', pathToFileURL(register).href, rolegateBin, ...args], { env });
  const modules = readFileSync(log, 'utf8').split('\n').filter((l) => l && !l.startsWith('node:'));
  return { result, modules };
}

const FORBIDDEN =
  /node_modules|\/src\/prompt\/|\/src\/aws\/|resolveCredentials|keyStore|KeyStore|refreshLock|\/cli\/program\.js|\/cli\/commands\.js|\/cli\/output\.js/;

test('credential-process answered from the cache loads no SDK, keyring, prompt, commander or refresh module', async () => {
  const box = makeSandbox();
  try {
    const expiration = new Date(Date.now() + 3600_000);
    const credentials = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'cached-secret', sessionToken: 'cached-token', expiration };
    const base = { version: 1 as const, mfaSerial: MFA_SERIAL, createdAt: new Date().toISOString(), credentials };
    await writeSessionEntry('session-default', { ...base, kind: 'session', profile: 'default' }, box.env);
    await writeSessionEntry('role-admin', { ...base, kind: 'role', profile: 'admin', roleArn: ROLE_ARN }, box.env);
    writeFileSync(
      box.configFile,
      `[default]\ncredential_process = ${credentialProcessCommand('default')}\nmfa_serial = ${MFA_SERIAL}\n\n` +
        `[profile admin]\ncredential_process = ${credentialProcessCommand('admin')}\nrolegate_role_arn = ${ROLE_ARN}\nrolegate_source_profile = default\nmfa_serial = ${MFA_SERIAL}\n`,
    );
    // first call: the full cache lookup (config parser, profile logic), in ES modules
    const full = await loadedModules(['credential-process', 'admin'], box.env, box.home);
    assert.equal(full.result.code, 0, full.result.stderr);
    assert.equal(JSON.parse(full.result.stdout).AccessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    assert.ok(full.modules.some((m) => m.endsWith('/src/cli/credentialProcess.js')), 'the hook saw the ES modules load');
    assert.deepEqual(full.modules.filter((m) => FORBIDDEN.test(m)), [], 'full lookup');
    const own = [...new Set(full.modules.filter((m) => m.startsWith('file:')))];
    assert.ok(own.length <= 22, `full lookup: credential-process loaded ${own.length} modules:\n${own.join('\n')}`);

    // second call: the shortcut the first one left, answered by the CommonJS entry alone
    const fast = await loadedModules(['credential-process', 'admin'], box.env, box.home);
    assert.equal(fast.result.code, 0, fast.result.stderr);
    assert.equal(JSON.parse(fast.result.stdout).AccessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    const esm = fast.modules.filter((m) => m.startsWith('file:') && !m.endsWith('/register.mjs') && !m.endsWith('/main.cjs'));
    assert.deepEqual(esm, [], 'no ES module of ours loads on a cache hit');
    const cjs = fast.modules.filter((m) => m.startsWith('cjs:')).map((m) => m.replace(/^cjs:.*\/src\//, 'src/'));
    assert.deepEqual(cjs.sort(), [
      'src/cache/credentialProcessShortcut.cjs',
      'src/cache/temporaryCredentials.cjs',
      'src/cli/main.cjs',
      'src/files/checkedFile.cjs',
      'src/files/rolegatePaths.cjs',
    ]);
  } finally {
    box.cleanup();
  }
});
