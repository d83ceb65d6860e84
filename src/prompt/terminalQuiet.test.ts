import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerAnimation, whileQuiet } from './terminalQuiet.js';

test('a question pauses every registered animation and resumes it afterwards, even when it fails', async () => {
  const events: string[] = [];
  const unregister = registerAnimation({ pause: () => events.push('pause'), resume: () => events.push('resume') });
  try {
    const answer = await whileQuiet(async () => {
      events.push('ask');
      return 'yes';
    });
    assert.equal(answer, 'yes');
    await assert.rejects(
      whileQuiet(async () => {
        events.push('ask');
        throw new Error('cancelled');
      }),
      /cancelled/,
    );
    assert.deepEqual(events, ['pause', 'ask', 'resume', 'pause', 'ask', 'resume']);
  } finally {
    unregister();
  }
});

test('an animation that ended during the question is not resumed', async () => {
  const events: string[] = [];
  let unregister = () => {};
  unregister = registerAnimation({ pause: () => events.push('pause'), resume: () => events.push('resume') });
  await whileQuiet(async () => unregister());
  assert.deepEqual(events, ['pause']);
});
