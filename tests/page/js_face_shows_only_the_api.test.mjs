// What JavaScript sees of the SDK is its API only: an instance has no enumerable
// property (`JSON.stringify(nim)` is `{}`), and `NIM.prototype` holds the documented
// methods and `free`, nothing of the wasm-bindgen glue; the glue still works below it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, useWorld, withPages } from './harness.mjs';

const world = useWorld();
const API = ['connect', 'constructor', 'destroy', 'disconnect', 'free', 'getLoginPorts',
  'getLoginStatus', 'isConnected', 'kick', 'setOptions'];

test('instances and NIM.prototype show only the documented API', { timeout: TEST_MS }, async () => {
  await withPages(world, 'js-face', async (open) => {
    const page = await open();
    const seen = await page.evaluate(async () => {
      const { NIM } = await import('/pkg/nim_wasm.js');
      const options = { appKey: 'demo', account: 'face', token: 't', skipConnectionOnInitialize: true };
      const nim = NIM.getInstance(options);
      const again = NIM.getInstance(options);
      const inherited = [];
      for (const key in nim) inherited.push(key);
      const face = {
        json: JSON.stringify(nim),
        keys: Object.keys(nim),
        inherited,
        prototype: Reflect.ownKeys(NIM.prototype).map(String).sort(),
        staticKeys: Object.keys(NIM),
        same: nim === again,
        works: typeof nim.getLoginStatus(),
      };
      await nim.destroy();
      nim.free();
      face.afterFree = JSON.stringify(nim);
      face.freedThrows = (() => {
        try {
          nim.getLoginStatus();
          return 'no';
        } catch {
          return 'yes';
        }
      })();
      return face;
    });
    assert.deepEqual(seen, {
      json: '{}',
      keys: [],
      inherited: [],
      prototype: API,
      staticKeys: [],
      same: true,
      works: 'number',
      afterFree: '{}',
      freedThrows: 'yes',
    });
  });
});
