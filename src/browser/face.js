// Appended by scripts/build.sh to the JS glue wasm-bindgen generates: the `NIM`
// class shows only its documented API. The glue's own members (the pointer an
// instance keeps, its helpers, `Symbol.dispose`) move to a prototype of their own
// below `NIM.prototype`, where they still work, and the pointer each instance
// holds is made non-enumerable, so `JSON.stringify(nim)` and `Object.keys(nim)`
// show nothing internal.
//
// `getInstance` also hands the SDK the helpers of `shareConnection` where the
// browser has SharedWorker (elsewhere the option falls back to an instance of the
// tab's own): `worker` starts the account's shared worker, written as
// `new SharedWorker(new URL('./nim_worker.js', import.meta.url), ...)` so bundlers
// (Vite) bundle the worker; `lock(name, granted)` holds the Web Lock `name` from
// `granted(release)` until `release()`, and answers whether Web Locks exist.
{
  const share = typeof SharedWorker == 'function' && {
    worker: (name, url) => url
      ? new SharedWorker(url, { type: 'module', name })
      : new SharedWorker(new URL('./nim_worker.js', import.meta.url), { type: 'module', name }),
    lock: (name, granted) => !!navigator.locks?.request(name, () => new Promise(granted)),
  };
  const api = 'constructor connect disconnect destroy setOptions kick getLoginStatus isConnected getLoginPorts free'.split(' ');
  const proto = NIM.prototype;
  const glue = {};
  for (const key of Reflect.ownKeys(proto)) {
    if (!api.includes(key)) {
      Object.defineProperty(glue, key, Object.getOwnPropertyDescriptor(proto, key));
      delete proto[key];
    }
  }
  Object.setPrototypeOf(proto, glue);
  const getInstance = NIM.getInstance;
  Object.defineProperty(NIM, 'getInstance', {
    value: (options) => {
      const nim = getInstance(options, share);
      for (const key in nim) Object.defineProperty(nim, key, { enumerable: false });
      return nim;
    },
    writable: true,
    configurable: true,
  });
}
