import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError } from '../userError.js';
import { decryptKeys, encryptKeys } from './fileKeyStore.js';

const KEYS = { default: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } };
const damaged = (e: unknown) => isUserError(e) && /damaged/.test(e.message);

test('new key files use scrypt at OWASP strength (N=2^17, r=8, p=1); files from earlier versions (N=2^15) still open', async () => {
  const text = await encryptKeys(KEYS, 'passphrase');
  const { kdf } = JSON.parse(text);
  assert.deepEqual({ N: kdf.N, r: kdf.r, p: kdf.p }, { N: 2 ** 17, r: 8, p: 1 });
  assert.deepEqual(await decryptKeys(text, 'passphrase', 'keys.enc'), KEYS);
  const legacy = await encryptKeys(KEYS, 'passphrase', { N: 2 ** 15, r: 8, p: 1 });
  assert.deepEqual(await decryptKeys(legacy, 'passphrase', 'keys.enc'), KEYS);
});

test('a tag cut short is refused (Node would otherwise check only the bytes given)', async () => {
  const envelope = JSON.parse(await encryptKeys(KEYS, 'passphrase'));
  envelope.tag = Buffer.from(envelope.tag, 'base64').subarray(0, 4).toString('base64');
  await assert.rejects(decryptKeys(JSON.stringify(envelope), 'passphrase', 'keys.enc'), (e: unknown) => isUserError(e) && /damaged|altered/.test(e.message));
});

test('a header that asks for an unbounded key derivation is refused before deriving', async () => {
  const envelope = JSON.parse(await encryptKeys(KEYS, 'passphrase', { N: 2 ** 15, r: 8, p: 1 }));
  // p=64 would cost 64 derivations (seconds); N=2^24 would ask for 16 GiB (not tried here)
  const started = Date.now();
  await assert.rejects(decryptKeys(JSON.stringify({ ...envelope, kdf: { ...envelope.kdf, p: 64 } }), 'passphrase', 'keys.enc'), damaged);
  assert.ok(Date.now() - started < 1000, 'refused without deriving');
  for (const kdf of [{ N: 2 ** 24 }, { N: 2 ** 15 + 1 }, { N: 2 ** 10 }, { r: 1024 }, { p: 0 }, { salt: '' }]) {
    await assert.rejects(decryptKeys(JSON.stringify({ ...envelope, kdf: { ...envelope.kdf, ...kdf } }), 'passphrase', 'keys.enc'), damaged, JSON.stringify(kdf));
  }
  await assert.rejects(decryptKeys(JSON.stringify({ ...envelope, nonce: Buffer.alloc(64).toString('base64') }), 'passphrase', 'keys.enc'), damaged);
});
