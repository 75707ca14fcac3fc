// Shrinks the package wasm-pack built, without changing what it does:
//   1. `wasm-opt --minify-imports-and-exports-and-modules` gives every import and
//      export of the wasm a one- or two-letter name (wasm-bindgen's are long and end
//      in a 16-digit hash, in both files), and prints the mapping;
//   2. the JS glue is rewritten to those names: the keys of its import object, the
//      import module's name, and every `wasm.<export>`;
//   3. the same for the export names in `nim_wasm_bg.wasm.d.ts`;
//   4. esbuild minifies the glue (whitespace, syntax and local names; the module's
//      exports `NIM`, `initSync` and `default` keep their names).
// Usage: node scripts/shrink-pkg.mjs <pkg dir>; wasm-opt gets the flags of Cargo.toml's
// `[package.metadata.wasm-pack.profile.release]` again: optimizing once more after the
// renaming still takes about 90 bytes off the gzipped wasm.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const cargo = readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8');
const flags = cargo.match(/^wasm-opt = \[(.*)\]$/m)[1].match(/"[^"]+"/g).map((f) => f.slice(1, -1));
const wasm = join(dir, 'nim_wasm_bg.wasm');
const glue = join(dir, 'nim_wasm.js');

// The renaming runs alone, as --converge would repeat it and print one mapping per
// round; the optimizing pass follows it.
const features = flags.filter((flag) => flag.startsWith('--enable-'));
const printed = execFileSync(
  'wasm-opt',
  [wasm, ...features, '--minify-imports-and-exports-and-modules', '--strip-producers', '-o', wasm],
  { encoding: 'utf8' },
);
execFileSync('wasm-opt', [wasm, ...flags, '-o', wasm]);
const map = JSON.parse(printed.slice(printed.indexOf('{')));
const imports = new Map(map.imports.map(([, from, to]) => [from, to]));
const exports = new Map(map.exports.map(([from, to]) => [from, to]));
const modules = new Set(map.imports.map(([module]) => module));
if (modules.size !== 1) throw new Error(`expected one import module, got ${[...modules]}`);

let js = readFileSync(glue, 'utf8');
let renamed = 0;
const rename = (names, what) => (whole, prefix, name) => {
  if (!names.has(name)) throw new Error(`${what} ${name} is not in wasm-opt's mapping`);
  renamed++;
  return prefix + names.get(name);
};
// Keys of the import object: `        __wbg_..._<hash>: function`.
js = js.replace(/^(\s+)(__wb\w+)(?=: function)/gm, rename(imports, 'import'));
// The module name the wasm imports from: wasm-opt's `a`.
js = js.replace(`"${[...modules][0]}": import0`, '"a": import0');
js = js.replace(/(\bwasm\.)([A-Za-z_$][\w$]*)/g, rename(exports, 'export'));
if (renamed < imports.size) throw new Error(`renamed ${renamed} names, the wasm has ${imports.size} imports`);
const unused = [...imports.keys()].filter((name) => !js.includes(imports.get(name) + ': function'));
if (unused.length) throw new Error(`imports missing from the glue: ${unused}`);
// Minifying renames the class; its `name` stays `NIM`.
js += "\nObject.defineProperty(NIM, 'name', { value: 'NIM' });\n";
writeFileSync(glue, js);
// The wasm's own typings name its exports too.
const typings = join(dir, 'nim_wasm_bg.wasm.d.ts');
writeFileSync(
  typings,
  readFileSync(typings, 'utf8').replace(/^(export const )(\w+)/gm, rename(exports, 'export')),
);

execFileSync('esbuild', [glue, '--minify', '--format=esm', '--allow-overwrite', `--outfile=${glue}`, '--log-level=warning']);
// esbuild drops comments; TypeScript and Deno find the typings through this one.
writeFileSync(glue, '/* @ts-self-types="./nim_wasm.d.ts" */\n' + readFileSync(glue, 'utf8'));
