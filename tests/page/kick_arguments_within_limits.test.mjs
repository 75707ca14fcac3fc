// `kick()` checks `custom` (at most 1024 bytes) and each device id (at most 128
// bytes), both counted as encoded in the frame, before sending: a kick past them
// throws `invalidArgument` and sends nothing; the largest kick within them goes
// through, and the kicker stays logged in either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, uniqueAccount, useWorld, withPages } from './harness.mjs';
import { devToken, startNim } from './sdk_in_page.mjs';

const world = useWorld();

test('kicks past the limits throw, the largest within them works', { timeout: TEST_MS }, async () => {
  await withPages(world, 'kick-limits', async (open) => {
    const account = uniqueAccount('kick-limits');
    const token = await devToken(world.url, account);
    const p = await startNim(await open(), account, { token });
    const q = await startNim(await open(), account, { token });
    const [qPort] = (await p.waitFor('onloginportschange')).arg;
    const thrown = await p.page.evaluate((qId) => {
      const { nim } = window.__sdk;
      const attempt = (options) => {
        try {
          nim.kick(options);
          return 'sent';
        } catch (error) {
          return error.code;
        }
      };
      return {
        longCustom: attempt({ deviceIds: [qId], custom: 'x'.repeat(20000) }),
        longIds: attempt({ deviceIds: Array.from({ length: 64 }, (_, i) => `${i}`.padEnd(300, 'd')) }),
        idOneByteOver: attempt({ deviceIds: ['d'.repeat(129)] }),
        customOneByteOver: attempt({ deviceIds: [qId], custom: 'é'.repeat(512) + 'x' }),
        escapesOver: attempt({ deviceIds: [qId], custom: '\u0001'.repeat(171) }),
      };
    }, qPort.deviceId);
    assert.deepEqual(thrown, {
      longCustom: 'invalidArgument',
      longIds: 'invalidArgument',
      idOneByteOver: 'invalidArgument',
      customOneByteOver: 'invalidArgument',
      escapesOver: 'invalidArgument',
    });
    const largest = await p.page.evaluate(async (qId) => {
      const deviceIds = [...Array.from({ length: 63 }, (_, i) => `${i}`.padEnd(64, '"')), qId];
      return window.__sdk.nim.kick({ deviceIds, custom: '\u0001'.repeat(170) });
    }, qPort.deviceId);
    assert.deepEqual(largest, { deviceIds: [qPort.deviceId] });
    await q.waitFor('ondisconnect');
    assert.equal(await p.status(), 1);
    assert.deepEqual(await p.payloads('ondisconnect'), []);
  });
});
