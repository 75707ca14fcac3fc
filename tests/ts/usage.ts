// Type-checks the SDK's TypeScript declarations (`tsc --noEmit`): every option,
// method, callback and payload as an application uses them.
import init, {
  NIM,
  type NIMConnectInfo,
  type NIMDisconnectEvent,
  type NIMError,
  type NIMKickResult,
  type NIMLoginPort,
  type NIMLoginStatus,
  type NIMOptions,
  type NIMWillReconnectEvent,
} from '../../pkg/nim_wasm.js';

async function main(): Promise<void> {
  await init();

  const options: NIMOptions = {
    appKey: 'app',
    account: 'alice',
    token: 'token',
    authType: 1,
    loginExt: 'ext',
    customTag: 'web',
    customClientType: 2,
    needReconnect: true,
    reconnectionAttempts: Infinity,
    quickReconnect: true,
    reconnectDelayProvider: (delayMs: number) => Math.max(delayMs, 2000),
    skipConnectionOnInitialize: false,
    heartbeatInterval: 30000,
    debug: false,
    logFunc: (level, message, detail) => console.log(level, message, detail),
    socketUrl: 'wss://example.test/ws',
    lbsUrl: 'https://example.test/lbs',
    defaultLink: ['example.test:443', 'wss://example.test/ws'],
    deviceId: 'device-1',
    isFixedDeviceId: false,
    shareConnection: false,
    sharedWorkerUrl: '/nim-worker.js',
    onconnect(info: NIMConnectInfo) {
      const id: string = info.connectionId;
      console.log(id, info.lastLoginDeviceId, info.ip, info.port, info.country, info.customTag);
    },
    ondisconnect(event: NIMDisconnectEvent) {
      switch (event.code) {
        case 'kicked': {
          const reason: 'samePlatformKick' | 'serverKick' | 'otherPlatformKick' = event.reason;
          console.log(reason, event.from, event.custom);
          break;
        }
        case 'offlineListener': {
          const willReconnect: true = event.willReconnect;
          console.log(willReconnect);
          break;
        }
        case 302:
        case 417:
        case 422:
          console.log('refused', event.code, event.message, event.retryCount);
          break;
        default:
          console.log(event.code);
      }
    },
    onwillreconnect(event: NIMWillReconnectEvent) {
      console.log(event.retryCount, event.duration);
      return fetch('/token').then(async (r) => nim.setOptions({ token: await r.text() }));
    },
    onloginportschange(ports: NIMLoginPort[]) {
      for (const port of ports) {
        const online: boolean = port.online;
        const time: number = port.time;
        console.log(port.type, port.deviceId, port.connectionId, online, time);
      }
    },
    onerror(error) {
      console.log(error.code, error.message);
    },
  };

  const nim: NIM = NIM.getInstance(options);
  const same: NIM = NIM.getInstance({ appKey: 'app', account: 'alice', token: 'token' });
  console.log(nim === same);

  nim.connect();
  const status: NIMLoginStatus = nim.getLoginStatus();
  const connected: boolean = nim.isConnected();
  const ports: NIMLoginPort[] = nim.getLoginPorts();
  console.log(status, connected, ports);

  nim.setOptions({ token: 'new', customTag: 'tag', onconnect: null });
  // @ts-expect-error: `account` cannot change
  nim.setOptions({ account: 'bob' });
  // @ts-expect-error: unknown options are rejected
  nim.setOptions({ heartbeat: 5000 });

  const kicked: NIMKickResult = await nim.kick({ deviceIds: ['phone-1'], custom: 'bye' });
  console.log(kicked.deviceIds);
  nim.kick({
    deviceIds: ['phone-1'],
    done(error: NIMError | null, result?: NIMKickResult) {
      if (error) {
        const code: NIMError['code'] = error.code;
        console.log(code === 'notLoggedIn', error.message);
      } else {
        console.log(result?.deviceIds);
      }
    },
  });

  await nim.disconnect();
  nim.disconnect({ done: (error: null) => console.log(error) });
  await nim.destroy();
  nim.destroy({ done: () => undefined });
  await NIM.rmAllInstances();

  try {
    NIM.getInstance({ appKey: 'app', account: 'alice', token: '' });
  } catch (e) {
    const error = e as NIMError;
    console.log(error.code, error.message);
  }
}

void main();

// One connection for every tab of the browser; its worker from the page's origin.
export const shared: NIM = NIM.getInstance({
  appKey: 'demo',
  account: 'bob',
  token: 'token',
  shareConnection: true,
  sharedWorkerUrl: new URL('/nim-worker.js', location.href).href,
});
