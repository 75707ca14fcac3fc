// Appended by scripts/build.sh to the JS glue wasm-bindgen generates: the `NIM`
// class shows only its documented API. The glue's own members (the pointer an
// instance keeps, its helpers, `Symbol.dispose`) move to a prototype of their own
// below `NIM.prototype`, where they still work, and the pointer each instance
// holds is made non-enumerable, so `JSON.stringify(nim)` and `Object.keys(nim)`
// show nothing internal.
{
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
      const nim = getInstance(options);
      for (const key in nim) Object.defineProperty(nim, key, { enumerable: false });
      return nim;
    },
    writable: true,
    configurable: true,
  });
}
