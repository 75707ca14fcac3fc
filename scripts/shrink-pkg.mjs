// Shrinks the package wasm-pack built, without changing what it does:
//   -. a few parts of wasm-bindgen's glue are replaced by shorter ones doing the same
//      for this package (string passing, catching imports, the memory view, the
//      loader; each checks that it found the code it replaces, so a new wasm-bindgen
//      fails the build instead of slipping through);
//   0. dead entries of the function table become one stub, then wasm-opt optimizes
//      (wasm-pack's own wasm-opt is off; see `pruneTable` below);
//   1. `wasm-opt --minify-imports-and-exports-and-modules` gives every import and
//      export of the wasm a one- or two-letter name (wasm-bindgen's are long and end
//      in a 16-digit hash, in both files), and prints the mapping;
//   2. the JS glue is rewritten to those names: the keys of its import object, the
//      import module's name, and every `wasm.<export>`;
//   3. the same for the export names in `nim_wasm_bg.wasm.d.ts`;
//   4. esbuild, then terser, minify the glue (whitespace, syntax and local names;
//      the module's exports `NIM`, `initSync` and `default` keep their names);
//   5. the wasm's functions are put in an order that gzip compresses better (see
//      `orderForGzip` below).
// Usage: node scripts/shrink-pkg.mjs <pkg dir>; wasm-opt gets the flags of Cargo.toml's
// `[package.metadata.nim-wasm]` before and after the renaming: optimizing once more
// after it still takes about 90 bytes off the gzipped wasm.
import binaryen from 'binaryen';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

const dir = process.argv[2];
const cargo = readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8');
const flags = cargo.match(/^wasm-opt = \[(.*)\]$/m)[1].match(/"[^"]+"/g).map((f) => f.slice(1, -1));
const wasm = join(dir, 'nim_wasm_bg.wasm');
const glue = join(dir, 'nim_wasm.js');

// Step 0. The linker puts every function whose address is taken into the function
// table, and the table keeps each of them (and all it calls) in the module. Two
// kinds stay there although nothing can call them through it any more:
//   - wasm-bindgen's closure invoke shims: each `__wbindgen_describe_*` function
//     (one per import of js-sys and web-sys, used or not) takes the address of the
//     shims of its closure arguments; wasm-bindgen runs and then deletes those
//     functions, and JS calls the shims it needs through exports;
//   - js-sys's JSPI task waker (`futures::jspi`), reachable only from the
//     `__wbg_jspi_task_poll` export, which wasm-bindgen deletes from a module with
//     no JSPI exports.
// Their slots get one stub that traps (as a call through a wrong slot would), so
// wasm-opt can drop the functions: about 1 KB of the raw wasm. An exported function
// keeps its slot. The names come from the symbols that the release profile keeps
// (`strip = "debuginfo"`); wasm-opt drops them from the package.
const FEATURES = binaryen.Features.MVP | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt |
  binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt | binaryen.Features.MutableGlobals;
function pruneTable(path, unusedExports) {
  const module = binaryen.readBinary(readFileSync(path));
  module.setFeatures(FEATURES);
  for (const name of unusedExports) {
    if (!module.getExport(name)) throw new Error(`the wasm has no export ${name}`);
    module.removeExport(name);
  }
  const exported = new Set();
  for (let i = 0; i < module.getNumExports(); i++) {
    const info = binaryen.getExportInfo(module.getExportByIndex(i));
    if (info.kind === binaryen.ExternalFunction) exported.add(info.value);
  }
  const dead = (name) => !exported.has(name) &&
    (/^wasm_bindgen\[[0-9a-f]+\]::convert::closures::_::invoke::</.test(name) ||
      /^js_sys\[[0-9a-f]+\]::futures::jspi::/.test(name));
  if (module.getNumElementSegments() !== 1) throw new Error('expected one element segment');
  const segment = binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(0));
  const offset = binaryen.getExpressionInfo(segment.offset);
  if (offset.id !== binaryen.ConstId) throw new Error('expected a constant table offset');
  const stub = 'nim_wasm_dead_table_entry';
  module.addFunction(stub, binaryen.none, binaryen.none, [], module.unreachable());
  const entries = segment.data.map((name) => (dead(name) ? stub : name));
  const pruned = entries.filter((name) => name === stub).length;
  // Trailing stubs are left out: an unwritten slot traps as well.
  while (entries.at(-1) === stub) entries.pop();
  // Zero would mean the names above changed (a new wasm-bindgen): look again.
  if (pruned === 0) throw new Error('no dead function table entries found: check pruneTable');
  module.removeElementSegment(segment.name);
  module.addActiveElementSegment(segment.table, segment.name, entries, module.i32.const(offset.value));
  writeFileSync(path, module.emitBinary());
  module.dispose();
  console.log(`shrink-pkg: ${pruned} of ${entries.length} function table entries were dead`);
}
let js = readFileSync(glue, 'utf8');
// Strings go into the wasm in one piece: `TextEncoder.encode`, then one
// allocation of the exact length. wasm-bindgen's version first copies ASCII one
// character at a time and reallocates when it meets anything else, for speed on
// long strings; the SDK's are short (options, a user agent, a page's host). Its
// realloc export and the `encodeInto` polyfill go with it.
const passString = js.match(/^function passStringToWasm0\(arg, malloc, realloc\) \{\n[^]*?\n\}\n/m);
if (!passString || !passString[0].includes('if (realloc === undefined) {')) {
  throw new Error("the glue's passStringToWasm0 has changed: check shrink-pkg.mjs");
}
js = js.replace(passString[0], `function passStringToWasm0(arg, malloc) {
    const buf = cachedTextEncoder.encode(arg);
    const ptr = malloc(buf.length, 1) >>> 0;
    getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
    WASM_VECTOR_LEN = buf.length;
    return ptr;
}
`);
js = js.replaceAll(', wasm.__wbindgen_malloc, wasm.__wbindgen_realloc)', ', wasm.__wbindgen_malloc)');
const polyfill = js.match(/^if \(!\('encodeInto' in cachedTextEncoder\)\) \{\n[^]*?\n\}\n/m);
if (!polyfill) throw new Error("the glue's encodeInto polyfill has changed: check shrink-pkg.mjs");
js = js.replace(polyfill[0], '');
if (js.includes('__wbindgen_realloc')) throw new Error('the glue still uses __wbindgen_realloc');

// The cached view of the wasm memory is renewed when the memory has grown, which
// gives it a new buffer: one comparison, instead of also asking the old buffer
// whether it was detached (which says the same).
const staleView = 'if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || ' +
  '(cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {';
if (!js.includes(staleView)) throw new Error("the glue's getDataViewMemory0 has changed: check shrink-pkg.mjs");
js = js.replace(staleView, 'if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer !== wasm.memory.buffer) {');

// Imports that catch what they throw (`#[wasm_bindgen(catch)]`) wrap their body once,
// when the import object is made, instead of each being a `function` that passes
// its `arguments` on: the same calls, in fewer bytes.
let catching = 0;
js = js.replace(/function\(\) \{ return handleError\((function \([^)]*\) \{\n[^]*?\n {8}\}), arguments\); \}/g,
  (whole, body) => {
    catching++;
    return `catching(${body})`;
  });
const handleError = js.match(/^function handleError\(f, args\) \{\n[^]*?\n\}\n/m);
if (!catching || !handleError) throw new Error("the glue's handleError has changed: check shrink-pkg.mjs");
js = js.replace(handleError[0], `function catching(f) {
    return (...args) => {
        try {
            return f(...args);
        } catch (e) {
            wasm.__wbindgen_exn_store(addHeapObject(e));
        }
    };
}
`);
if (js.includes('handleError')) throw new Error('the glue still calls handleError: check shrink-pkg.mjs');
pruneTable(wasm, ['__wbindgen_realloc']);
execFileSync('wasm-opt', [wasm, ...flags, '-o', wasm]);

// The renaming runs alone, as --converge would repeat it and print one mapping per
// round; the optimizing pass follows it.
const features = flags.filter((flag) => flag.startsWith('--enable-'));
const printed = execFileSync(
  'wasm-opt',
  [wasm, ...features, '--minify-imports-and-exports-and-modules', '--strip-producers',
    '--strip-target-features', '-o', wasm],
  { encoding: 'utf8' },
);
execFileSync('wasm-opt', [wasm, ...flags, '-o', wasm]);
const map = JSON.parse(printed.slice(printed.indexOf('{')));
const imports = new Map(map.imports.map(([, from, to]) => [from, to]));
const exports = new Map(map.exports.map(([from, to]) => [from, to]));
const modules = new Set(map.imports.map(([module]) => module));
if (modules.size !== 1) throw new Error(`expected one import module, got ${[...modules]}`);

let renamed = 0;
const rename = (names, what) => (whole, prefix, name) => {
  if (!names.has(name)) throw new Error(`${what} ${name} is not in wasm-opt's mapping`);
  renamed++;
  return prefix + names.get(name);
};
// Keys of the import object: `        __wbg_..._<hash>: function` (or `: catching(`).
js = js.replace(/^(\s+)(__wb\w+)(?=: (function|catching\())/gm, rename(imports, 'import'));
// The module name the wasm imports from: wasm-opt's `a`.
js = js.replace(`"${[...modules][0]}": import0`, '"a": import0');
js = js.replace(/(\bwasm\.)([A-Za-z_$][\w$]*)/g, rename(exports, 'export'));
if (renamed < imports.size) throw new Error(`renamed ${renamed} names, the wasm has ${imports.size} imports`);
const unused = [...imports.keys()]
  .filter((name) => !js.includes(imports.get(name) + ': function') && !js.includes(imports.get(name) + ': catching('));
if (unused.length) throw new Error(`imports missing from the glue: ${unused}`);
// The loader: wasm-bindgen's `init` and `initSync`, shorter. The same calls work
// (`init()`, `init({ module_or_path })` with a URL, a string, a Request, a Response,
// bytes or a Module, a bare one of these, and `initSync({ module })`), and a second
// `init` waits for the first. What goes: the warnings about bare arguments, and
// the checks for engines without `instantiateStreaming`; a `.wasm` served with
// another type than `application/wasm` is still loaded the slower way, with a
// shorter warning. `new URL('nim_wasm_bg.wasm', import.meta.url)` stays spelled so,
// since bundlers look for it.
const loaderStart = js.indexOf('async function __wbg_load(');
const loaderEnd = js.indexOf('export { initSync, __wbg_init as default };');
const loader = loaderStart < 0 || loaderEnd < 0 ? '' : js.slice(loaderStart, loaderEnd);
for (const part of ['instantiateStreaming', 'function initSync(module)', 'async function __wbg_init_once(module_or_path)',
  "new URL('nim_wasm_bg.wasm', import.meta.url)", 'return __wbg_finalize_init(instance, module);']) {
  if (!loader.includes(part)) throw new Error(`the glue's loader has changed (no \`${part}\`): check shrink-pkg.mjs`);
}
js = js.slice(0, loaderStart) + `function initSync(module) {
    if (wasm !== undefined) return wasm;
    if (module !== undefined && Object.getPrototypeOf(module) === Object.prototype) ({ module } = module);
    if (!(module instanceof WebAssembly.Module)) module = new WebAssembly.Module(module);
    return __wbg_finalize_init(new WebAssembly.Instance(module, __wbg_get_imports()), module);
}

let __wbg_init_promise;
async function __wbg_init(module_or_path) {
    if (wasm !== undefined) return wasm;
    return __wbg_init_promise ??= __wbg_init_once(module_or_path).catch((e) => {
        __wbg_init_promise = undefined;
        throw e;
    });
}

async function __wbg_init_once(module) {
    if (module !== undefined && Object.getPrototypeOf(module) === Object.prototype) ({ module_or_path: module } = module);
    if (module === undefined) module = new URL('nim_wasm_bg.wasm', import.meta.url);
    if (typeof module === 'string' || module instanceof URL || (typeof Request === 'function' && module instanceof Request)) {
        module = fetch(module);
    }
    module = await module;
    const imports = __wbg_get_imports();
    let loaded;
    if (typeof Response === 'function' && module instanceof Response) {
        if (!module.ok) throw new Error(\`nim-wasm: fetching \${module.url} gave HTTP \${module.status}\`);
        try {
            loaded = await WebAssembly.instantiateStreaming(module, imports);
        } catch (e) {
            if (module.headers.get('Content-Type') === 'application/wasm') throw e;
            console.warn('nim-wasm: the .wasm is not served as application/wasm, so it loads the slower way:', e);
            loaded = await WebAssembly.instantiate(await module.arrayBuffer(), imports);
        }
    } else {
        loaded = await WebAssembly.instantiate(module, imports);
        if (loaded instanceof WebAssembly.Instance) loaded = { instance: loaded, module };
    }
    return __wbg_finalize_init(loaded.instance, loaded.module);
}

` + js.slice(loaderEnd);
// Minifying renames the class; its `name` stays `NIM`.
js += "\nObject.defineProperty(NIM, 'name', { value: 'NIM' });\n";
writeFileSync(glue, js);
// The wasm's own typings name its exports too.
const typings = join(dir, 'nim_wasm_bg.wasm.d.ts');
writeFileSync(
  typings,
  readFileSync(typings, 'utf8')
    .replace(/^export const __wbindgen_realloc: .*\n/m, '')
    .replace(/^(export const )(\w+)/gm, rename(exports, 'export')),
);

execFileSync('esbuild', [glue, '--minify', '--format=esm', '--allow-overwrite', `--outfile=${glue}`, '--log-level=warning']);
// terser then goes further than esbuild (three compress passes: inlined one-use
// helpers, merged declarations): about 120 bytes less of the gzipped glue. ES2020
// output: every engine with the glue's `FinalizationRegistry` has it. Function
// expressions that use neither `this` nor `arguments` become arrows
// (`unsafe_arrows`: only unsafe for functions called with `new`, which the glue's
// imports and callbacks never are). The glue's own property names (the wrapper's
// pointer and methods, a closure's release function), used nowhere else, are
// shortened too.
const ownProperties = 'regex=/^(__wbg_ptr|__wrap|__destroy_into_raw|_wbg_cb_unref)$/';
execFileSync('terser', [glue, '--module', '--ecma', '2020', '--compress', 'passes=3,ecma=2020,unsafe_arrows=true',
  '--mangle', '--mangle-props', ownProperties, '-o', glue]);
// esbuild drops comments; TypeScript and Deno find the typings through this one.
writeFileSync(glue, '/* @ts-self-types="./nim_wasm.d.ts" */\n' + readFileSync(glue, 'utf8'));

// Step 5. gzip finds repeats only within the last 32 KB it read, and the wasm's code
// is about 50 KB: where each function sits decides which others it can borrow from.
// Starting from the first function, each next one is the function that deflate
// compresses best, relative to its own compressed size, after the last
// `WINDOW` bytes of code placed so far; similar functions (the closure shims, the
// payload builders, the option checks) thus end up side by side. Only the order
// changes: binaryen prints the module, the function blocks of the text are
// rearranged, and binaryen reads it back (calls name their callee, so nothing else
// moves). About 360 bytes off the gzipped wasm (the greedy pass 160, the moves 200
// more), for about 40 s of build time; measured, the size log of issue 4.
const WINDOW = 8000;
const MOVES = 4000;
const NEAR = 5;
function orderForGzip(path) {
  const bytes = readFileSync(path);
  const code = functionBodies(bytes);
  const deflated = (chunk) => deflateRawSync(chunk, { level: 9 }).length;
  const own = code.map(deflated);
  let order = [0];
  const left = new Set(code.keys());
  left.delete(0);
  let placed = Buffer.from(code[0]);
  while (left.size) {
    const tail = placed.subarray(Math.max(0, placed.length - WINDOW));
    const base = deflated(tail);
    let best = -1;
    let bestScore = Infinity;
    for (const f of left) {
      const score = (deflated(Buffer.concat([tail, code[f]])) - base) / Math.max(1, own[f]);
      if (score < bestScore) [best, bestScore] = [f, score];
    }
    order.push(best);
    left.delete(best);
    placed = Buffer.concat([placed, code[best]]);
  }
  // Then `MOVES` tries: one function moved next to one of the `NEAR` functions it
  // deflates best after, kept where the whole code deflates smaller. The picks
  // come from a fixed-seed generator, so a build is repeatable.
  const near = code.map((body, f) => {
    const costs = [];
    for (let g = 0; g < code.length; g++) {
      if (g !== f) costs.push([deflated(Buffer.concat([code[g], body])) - deflated(code[g]), g]);
    }
    costs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return costs.slice(0, NEAR).map(([, g]) => g);
  });
  const whole = (list) => deflated(Buffer.concat(list.map((f) => code[f])));
  let size = whole(order);
  let seed = 12345;
  const pick = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let move = 0; move < MOVES; move++) {
    const from = 1 + pick(order.length - 1);
    const f = order[from];
    const rest = order.toSpliced(from, 1);
    // Before or after the neighbour; the first function stays first.
    const to = Math.max(1, rest.indexOf(near[f][pick(NEAR)]) + pick(2));
    const tried = rest.toSpliced(to, 0, f);
    const triedSize = whole(tried);
    if (triedSize < size) [order, size] = [tried, triedSize];
  }
  const module = binaryen.readBinary(bytes);
  module.setFeatures(FEATURES);
  const lines = module.emitText().replace(/\n+$/, '').split('\n');
  module.dispose();
  // The module's top-level fields, each a block of lines: `(type`, `(import`, `(func`...
  if (lines[0] !== '(module' || lines.at(-1) !== ')') throw new Error('unexpected module text');
  const fields = [];
  for (const line of lines.slice(1, -1)) {
    if (line.startsWith(' (')) fields.push([line]);
    else if (fields.length) fields.at(-1).push(line);
    else throw new Error('unexpected module text');
  }
  const isFunction = (field) => field[0].startsWith(' (func ');
  const functions = fields.filter(isFunction);
  if (functions.length !== code.length) {
    throw new Error(`${functions.length} functions in the text, ${code.length} in the code section`);
  }
  const first = fields.findIndex(isFunction);
  const text = [
    '(module',
    ...fields.slice(0, first).flat(),
    ...order.flatMap((f) => functions[f]),
    ...fields.slice(first).filter((field) => !isFunction(field)).flat(),
    ')',
  ].join('\n');
  const reordered = binaryen.parseText(text);
  reordered.setFeatures(FEATURES);
  if (!reordered.validate()) throw new Error('the reordered module does not validate');
  writeFileSync(path, reordered.emitBinary());
  reordered.dispose();
}

// The bodies of the code section, in order.
function functionBodies(bytes) {
  const leb = (at) => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return [value, at];
  };
  for (let at = 8; at < bytes.length;) {
    const [size, start] = leb(at + 1);
    if (bytes[at] === 10) {
      let [count, next] = leb(start);
      const bodies = [];
      for (let i = 0; i < count; i++) {
        const [length, body] = leb(next);
        bodies.push(bytes.subarray(body, body + length));
        next = body + length;
      }
      return bodies;
    }
    at = start + size;
  }
  throw new Error('no code section');
}
orderForGzip(wasm);
