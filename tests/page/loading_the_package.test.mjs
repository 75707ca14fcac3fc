// Every documented way of loading the package's wasm works in a real page: `init()`
// (the default export) with nothing, a URL, a path, a Promise of a Response, bytes
// or a compiled Module, bare or as `{ module_or_path }`; `initSync` with bytes or a
// Module; a `.wasm` served with the wrong type still loads (with a warning), and a
// failed fetch rejects with the HTTP status and may be retried. Each case imports a
// fresh copy of the module (its own query string), so each one loads anew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, useWorld, withPages } from './harness.mjs';

const world = useWorld();

test('init and initSync load the wasm in every documented way', { timeout: TEST_MS }, async () => {
  await withPages(world, 'loading-the-package', async (open) => {
    const page = await open();
    const warnings = [];
    page.on('console', (msg) => {
      if (msg.type() === 'warning') warnings.push(msg.text());
    });
    const results = await page.evaluate(async () => {
      const wasmUrl = '/pkg/nim_wasm_bg.wasm';
      const bytes = await (await fetch(wasmUrl)).arrayBuffer();
      let copies = 0;
      const fresh = () => import(`/pkg/nim_wasm.js?copy=${++copies}`);
      // What a loaded copy does: its NIM checks options (so its wasm runs); here
      // `account` is missing.
      const works = (m) => {
        try {
          m.NIM.getInstance({ appKey: 'demo', token: 't' });
          return 'no error';
        } catch (e) {
          return `${e.code}, naming account: ${/`account`/.test(e.message)}`;
        }
      };
      const hasMemory = (exports) => Object.values(exports).some((v) => v instanceof WebAssembly.Memory);
      const asyncCases = {
        nothing: () => undefined,
        'module_or_path URL': () => ({ module_or_path: new URL(wasmUrl, location.href) }),
        'module_or_path string': () => ({ module_or_path: wasmUrl }),
        'bare string': () => wasmUrl,
        'bare Request': () => new Request(wasmUrl),
        'Promise of a Response': () => ({ module_or_path: fetch(wasmUrl) }),
        'bytes': () => ({ module_or_path: bytes }),
        'Module': () => ({ module_or_path: new WebAssembly.Module(bytes) }),
        'wrong content type': () => new Response(bytes, { headers: { 'Content-Type': 'text/plain' } }),
      };
      const results = {};
      for (const [name, argument] of Object.entries(asyncCases)) {
        const m = await fresh();
        const exports = await m.default(argument());
        // Loaded once: later calls give the same exports without loading again.
        const again = await m.default(argument());
        results[name] = { works: works(m), same: exports === again, memory: hasMemory(exports) };
      }
      for (const [name, argument] of Object.entries({
        'initSync bytes': () => bytes,
        'initSync { module }': () => ({ module: new WebAssembly.Module(bytes) }),
      })) {
        const m = await fresh();
        const exports = m.initSync(argument());
        results[name] = { works: works(m), same: exports === m.initSync(argument()), memory: hasMemory(exports) };
      }
      // Two calls at once load once.
      const both = await fresh();
      const [one, two] = await Promise.all([both.default(), both.default()]);
      results['two at once'] = { works: works(both), same: one === two, memory: hasMemory(one) };
      // A failed fetch rejects, and a later call may try again.
      const failing = await fresh();
      let failure = null;
      try {
        await failing.default('/pkg/no-such.wasm');
      } catch (e) {
        failure = String(e.message);
      }
      const retried = await failing.default();
      results['after a 404'] = { works: works(failing), same: retried === await failing.default(), memory: hasMemory(retried), failure };
      return results;
    });
    const expected = 'invalidOption, naming account: true';
    for (const [name, result] of Object.entries(results)) {
      assert.equal(result.works, expected, `${name}: the loaded NIM checks options`);
      assert.ok(result.same, `${name}: a second call gives the same exports`);
      assert.ok(result.memory, `${name}: the exports hold the wasm memory`);
    }
    assert.match(results['after a 404'].failure, /404/);
    assert.equal(Object.keys(results).length, 13);
    // Only the copy fed a `text/plain` Response warned.
    const typeWarnings = warnings.filter((text) => text.includes('application/wasm'));
    assert.equal(typeWarnings.length, 1, `warnings: ${warnings.join(' | ')}`);
  }, { allowConsole: [/status of 404/] });
});
