// An instance whose callback refers to the instance itself (as API.md's dynamic-token
// example does) is freed once destroyed and dropped: 3,000 create/destroy cycles
// under forced GC leave the wasm memory and the JS heap flat, and the garbage
// collector reclaims the instances. (The wasm memory never shrinks: it is measured
// with a forced GC every 100 cycles, so that freed instances can be reused, and a
// leak shows as steady growth.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MS, useWorld, withPages } from './harness.mjs';

const world = useWorld({}, ['--js-flags=--expose-gc', '--enable-precise-memory-info']);
const CYCLES = 3000;
/** The most the wasm memory may grow over the cycles: two 64 KiB pages. */
const WASM_GROWTH_BYTES = 2 * 64 * 1024;
/** The most the JS heap may grow over the cycles, for the engine's own noise. */
const JS_GROWTH_BYTES = 256 * 1024;

test('destroyed instances that refer to themselves are freed', { timeout: TEST_MS }, async () => {
  await withPages(world, 'destroyed-instances-freed', async (open) => {
    const page = await open();
    const result = await page.evaluate(async (cycles) => {
      const module = await import('/pkg/nim_wasm.js');
      const exports = await module.default();
      const memory = Object.values(exports).find((v) => v instanceof WebAssembly.Memory);
      let freed = 0;
      const registry = new FinalizationRegistry(() => { freed += 1; });
      const run = async (n, prefix) => {
        for (let i = 0; i < n; i += 1) {
          const nim = module.NIM.getInstance({
            appKey: 'demo',
            account: `${prefix}-${i}`,
            token: 't',
            skipConnectionOnInitialize: true,
            onwillreconnect: () => nim.setOptions({ token: 't' }),
            ondisconnect: () => nim.getLoginStatus(),
          });
          registry.register(nim, i);
          await nim.destroy();
          if (i % 100 === 99) await collect(1);
        }
      };
      const collect = async (rounds) => {
        for (let round = 0; round < rounds; round += 1) {
          globalThis.gc();
          await new Promise((done) => setTimeout(done, 20));
        }
      };
      const settle = async () => {
        await collect(4);
        return { wasm: memory.buffer.byteLength, js: performance.memory.usedJSHeapSize };
      };
      await run(300, 'warm-up');
      const before = await settle();
      const freedBefore = freed;
      await run(cycles, 'cycle');
      const after = await settle();
      return { before, after, freed: freed - freedBefore };
    }, CYCLES);
    const wasmGrowth = result.after.wasm - result.before.wasm;
    const jsGrowth = result.after.js - result.before.js;
    console.log(`${CYCLES} cycles: wasm memory +${wasmGrowth} B, JS heap +${jsGrowth} B, ${result.freed} freed`);
    assert.ok(result.freed >= CYCLES * 0.95, `only ${result.freed} of ${CYCLES} instances were freed`);
    assert.ok(wasmGrowth <= WASM_GROWTH_BYTES, `wasm memory grew by ${wasmGrowth} B`);
    assert.ok(jsGrowth <= JS_GROWTH_BYTES, `JS heap grew by ${jsGrowth} B`);
  });
});
