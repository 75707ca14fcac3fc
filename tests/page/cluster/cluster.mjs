// The world of a cross-node page test: nim-server nodes sharing one PostgreSQL
// database and one Redis, and headless Chromium.
//
// PostgreSQL and Redis are the ones named by NIM_TEST_POSTGRES and NIM_TEST_REDIS
// (scripts/test-cluster.sh starts both on loopback and sets them); without them the
// file fails, it does not skip. Each file gets a fresh database of its own (created
// through `psql`, dropped afterwards) and its own Redis key prefix, so its nodes see
// only each other, and reruns or the native cluster tests never meet its accounts.
import { after, before } from 'node:test';
import { spawnSync } from 'node:child_process';
import { launchBrowser, uniqueAccount } from '../harness.mjs';
import { useNodes } from '../nodes.mjs';

/** The failover timings of the native cluster tests (server/tests/cluster/mod.rs). */
export const LEASE = { nodeLeaseMs: 1000, sweepIntervalMs: 200 };

/** The backends' URLs from the environment; throws when either is missing. */
function backends() {
  const postgres = process.env.NIM_TEST_POSTGRES;
  const redis = process.env.NIM_TEST_REDIS;
  if (!postgres || !redis) {
    throw new Error('NIM_TEST_POSTGRES and NIM_TEST_REDIS must name a running PostgreSQL and Redis: '
      + 'run these tests through scripts/test-cluster.sh, which starts both');
  }
  return { postgres, redis };
}

/** Runs one SQL statement with `psql` against `url`; throws with psql's output on failure. */
function psql(url, sql) {
  const run = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  if (run.error) throw new Error(`psql is needed to create the test database: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`psql ${sql}: ${run.stderr}`);
}

/** Creates a fresh database next to the one `url` names; returns `{url, drop()}`. */
function createDatabase(url) {
  const name = uniqueAccount('nim_page').replaceAll('-', '_');
  psql(url, `CREATE DATABASE ${name}`);
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return { url: fresh.href, drop: () => psql(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * Before the file's tests: a fresh database and Redis prefix, one node per name in
 * `names` (with the short failover timings), and the browser. After them, all of it
 * is gone. Returns `{url, browser, nodes}`: `url` is the first node's (withPages
 * opens pages there), `nodes` maps each name to its node (nodes.mjs).
 */
export function useCluster(names) {
  const world = { url: '', browser: null, nodes: {} };
  const processes = useNodes();
  let database = null;
  before(async () => {
    const { postgres, redis } = backends();
    database = createDatabase(postgres);
    const redisPrefix = uniqueAccount('nim-page');
    for (const name of names) {
      world.nodes[name] = await processes.startNode(name, { redis, redisPrefix, database: database.url, lease: LEASE });
    }
    world.url = world.nodes[names[0]].url;
    world.browser = await launchBrowser();
  }, { timeout: 60000 });
  after(async () => {
    await world.browser?.close();
    await Promise.all(Object.values(world.nodes).map((node) => node.stop()));
    database?.drop();
  }, { timeout: 30000 });
  return world;
}
