//! The TypeScript declarations of the JavaScript API that are written by hand: the
//! `NIM` class (wasm-bindgen's own declarations of it are skipped) so options,
//! payloads and codes have exact types and overloads, string-literal unions for
//! codes, and the payloads tsify cannot state as exactly (the `ondisconnect` event is
//! a union over its `code`). The other payloads' declarations are generated from
//! their Rust types (`crate::payload`, tsify). `tests/ts` type-checks all of them
//! against their use.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPINGS: &str = r#"
/** A device type as NIM names it; this SDK always logs in as `Web`. */
export type NIMDeviceType = 'Android' | 'iOS' | 'PC' | 'WindowsPhone' | 'Web' | 'Server' | 'Mac' | 'HarmonyOS';

/** `onconnect`'s argument: this connection as the server sees it. */
export interface NIMConnectInfo {
  lastLoginDeviceId: string;
  customTag: string;
  connectionId: string;
  ip: string;
  port: string;
  country: string;
}

/** Another device of the same account. */
export interface NIMLoginPort {
  type: NIMDeviceType;
  os: string;
  mac: string;
  deviceId: string;
  account: string;
  customTag: string;
  customClientType: number;
  connectionId: string;
  ip: string;
  /** Login time, ms since the Unix epoch. */
  time: number;
  /** `false` when this entry reports that the device just went offline. */
  online: boolean;
}

/** Codes that end the session: 201 old protocol, 302 bad account or token,
 *  317 account disabled, 400 malformed login or protocol violation, 403 forbidden,
 *  404 no such account, 413 frame too large, 417 another device took the slot,
 *  422 banned. */
export type NIMLoginCode = 201 | 302 | 317 | 400 | 403 | 404 | 413 | 417 | 422;

/** Why a connection was kicked. */
export type NIMKickReason = 'samePlatformKick' | 'serverKick' | 'otherPlatformKick';

interface NIMDisconnectCommon {
  message: string;
  /** Retries made before this. */
  retryCount: number;
}

/** `ondisconnect`'s argument. */
export type NIMDisconnectEvent =
  | (NIMDisconnectCommon & { code: NIMLoginCode; willReconnect: false })
  | (NIMDisconnectCommon & {
      code: 'kicked';
      reason: NIMKickReason;
      /** The kicking device's type (absent for `serverKick`). */
      from?: NIMDeviceType;
      custom: string;
      willReconnect: false;
    })
  | (NIMDisconnectCommon & {
      code: 'logout' | 'alreadyDisconnected' | 'allAttemptsFailed' | 'initConnectFail';
      willReconnect: false;
    })
  | (NIMDisconnectCommon & { code: 'offlineListener'; willReconnect: true });

/** All `ondisconnect` codes. */
export type NIMDisconnectCode = NIMDisconnectEvent['code'];

/** The `code` of an Error thrown (or passed to `done`) by the SDK; a number is a
 *  NIM code from the server. */
export type NIMErrorCode =
  | 'invalidOption'
  | 'unknownOption'
  | 'invalidArgument'
  | 'destroyed'
  | 'notLoggedIn'
  | 'disconnected'
  | number;

/** An Error thrown (or passed to `done`) by the SDK. */
export interface NIMError extends Error {
  code: NIMErrorCode;
}

/** 0 logged out, 1 logged in, 2 logging in, 3 waiting to reconnect. */
export type NIMLoginStatus = 0 | 1 | 2 | 3;

/** Levels passed to `logFunc`. */
export type NIMLogLevel = 'debug' | 'error';

/** The options of `NIM.getInstance`. Unknown keys are rejected. */
export interface NIMOptions {
  appKey: string;
  account: string;
  token: string;
  /** 0 static token (default), 1 dynamic: each retry awaits `onwillreconnect`'s Promise. */
  authType?: 0 | 1;
  loginExt?: string;
  /** At most 32 characters, shown to the other devices. */
  customTag?: string;
  /** An integer > 0. */
  customClientType?: number;
  /** Reconnect after a broken session (default true). */
  needReconnect?: boolean;
  /** Retries in a row before giving up (default Infinity). */
  reconnectionAttempts?: number;
  /** End the session at once when the browser goes offline (default false). */
  quickReconnect?: boolean;
  /** Chooses each retry's delay from the SDK's own; at least 1000 ms is used. */
  reconnectDelayProvider?: ((delayMs: number) => number) | null;
  /** Do not connect in `getInstance`. */
  skipConnectionOnInitialize?: boolean;
  /** Ping period in ms (default 30000, from 5000 to 60000). */
  heartbeatInterval?: number;
  debug?: boolean;
  logFunc?: ((level: NIMLogLevel, message: string, detail?: unknown) => void) | null;
  /** The server's WebSocket URL (default: this origin's `/ws`). When set, it is
   *  the only address: no LBS request, no `defaultLink`. */
  socketUrl?: string;
  /** An `http(s)://` URL answering `{code: 200, link: [...]}` (nim-server's `/lbs`),
   *  asked with `k=<appKey>` at the first connect and at each reconnect round; the
   *  links are tried in order. */
  lbsUrl?: string;
  /** Addresses used when `lbsUrl` is not set, fails, lists nothing or takes over
   *  5 s: `ws(s)://` URLs, or bare `host:port` (`ws://` or, on https pages,
   *  `wss://`, with `/ws`). */
  defaultLink?: string | string[];
  /** This device's id (default: one per tab, stable across reloads). */
  deviceId?: string;
  /** One device id per browser (localStorage) instead of one per tab. */
  isFixedDeviceId?: boolean;
  /** One connection, and one device, for every tab of this browser profile using
   *  the same `appKey` and `account`, run by a SharedWorker (`nim_worker.js`); where
   *  SharedWorker is missing, the tab's own as without it. Not together with
   *  `reconnectDelayProvider`. */
  shareConnection?: boolean;
  /** The URL of the `shareConnection` worker, on the page's origin (default: the
   *  package's `nim_worker.js`), e.g. a file that imports it from a CDN. */
  sharedWorkerUrl?: string;
  onconnect?: ((info: NIMConnectInfo) => void) | null;
  ondisconnect?: ((event: NIMDisconnectEvent) => void) | null;
  /** May return a Promise; with `authType: 1` the retry waits for it. */
  onwillreconnect?: ((event: NIMWillReconnectEvent) => void | PromiseLike<unknown>) | null;
  onloginportschange?: ((ports: NIMLoginPort[]) => void) | null;
  onerror?: ((error: NIMServerError) => void) | null;
}

/** The options of `setOptions`: any documented key but `account`. */
export type NIMSetOptions = Partial<Omit<NIMOptions, 'account'>>;

/** The options of `kick`. */
export interface NIMKickOptions {
  /** 1 to 64 device ids, each at most 128 bytes as sent. */
  deviceIds: string[];
  /** Passed to the kicked devices; at most 1024 bytes as sent. */
  custom?: string;
}

/** The connection of one NIM account. */
export class NIM {
  private constructor();
  /** The account's instance: created (and connected) on first use; later calls
   *  merge `options` into it and call `connect()`. */
  static getInstance(options: NIMOptions): NIM;
  /** Destroys every instance. */
  static rmAllInstances(): Promise<void>;
  /** Logs in unless logged in or logging in. */
  connect(): void;
  /** Logs out; settles once the socket is really closed. */
  disconnect(): Promise<void>;
  disconnect(options: { done: (error: null) => void }): void;
  /** Logs out, silences the callbacks and leaves the registry. */
  destroy(): Promise<void>;
  destroy(options: { done: (error: null) => void }): void;
  /** Applies options; login-time ones at the next login. */
  setOptions(options: NIMSetOptions): void;
  /** Kicks other devices of this account. */
  kick(options: NIMKickOptions): Promise<NIMKickResult>;
  kick(options: NIMKickOptions & {
    done: (error: NIMError | null, result?: NIMKickResult) => void;
  }): void;
  getLoginStatus(): NIMLoginStatus;
  /** Whether the socket is open. */
  isConnected(): boolean;
  /** The account's other devices online now. */
  getLoginPorts(): NIMLoginPort[];
  /** Releases this JavaScript object (wasm-bindgen's) and destroys the instance; prefer `destroy()`. */
  free(): void;
}
"#;
