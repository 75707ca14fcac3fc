// Where the demo talks to: the WebSocket address for the SDK and the HTTP base for
// the development token endpoint, both derived from the "Server" field.

/** Reads the "Server" field: empty means this page's own server. */
export function serverEndpoints(text) {
  const raw = text.trim();
  if (!raw) return { socketUrl: undefined, httpBase: '' };
  const url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const path = url.pathname.replace(/\/+$/, '');
  const wsPath = url.protocol.startsWith('ws') && path ? path : '/ws';
  return {
    socketUrl: `${secure ? 'wss' : 'ws'}://${url.host}${wsPath}`,
    httpBase: `${secure ? 'https' : 'http'}://${url.host}`,
  };
}

/**
 * Asks a development server (`nim-server --dev`) for a token of `accid`, creating the
 * account if it is missing. Resolves to the token; rejects with a readable Error.
 */
export async function fetchDevToken(httpBase, appKey, accid) {
  const body = new URLSearchParams({ appKey, accid });
  let res;
  try {
    res = await fetch(`${httpBase}/dev/token`, { method: 'POST', body });
  } catch (err) {
    throw new Error(`cannot reach the server (${err.message})`);
  }
  const text = await res.text();
  let reply;
  try {
    reply = JSON.parse(text);
  } catch {
    reply = { code: res.status, desc: text.slice(0, 200) };
  }
  if (res.ok && reply.code === 200 && reply.info && reply.info.token) return reply.info.token;
  const hint = res.status === 404 ? ' (is the server running with --dev?)' : '';
  throw new Error(`dev token refused: ${reply.code} ${reply.desc || reply.message || ''}${hint}`.trim());
}
