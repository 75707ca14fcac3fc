//! The Lua scripts that make each cross-node change atomic in Redis. Every script
//! reads the clock with `TIME`, so leases are judged by one clock: Redis's.
//!
//! Keys (`P` is the prefix, `--redis-prefix`, default `nim`; `S` is an account's
//! suffix `LEN:APP:ACCOUNT`):
//!
//! | key | type | holds |
//! |---|---|---|
//! | `P:acct:S` | hash | `NODE/CONN` → JSON device record: the account's live devices |
//! | `P:ver:S` | string | the account's version, +1 per change (expires 1 h after it empties) |
//! | `P:nodes` | sorted set | node id → lease expiry (ms since the epoch, Redis clock) |
//! | `P:node-info` | hash | node id → `{"url","load"}` for `/lbs` |
//! | `P:node:ID:accounts` | set | suffixes of the accounts with a device on that node |
//! | `P:inbox:ID` | stream | field `d`: JSON list of deliveries to that node's connections |

use redis::Script;

/// Applies a [`super::plan::Plan`] if the account is still at the expected version.
///
/// KEYS: version, devices hash, nodes. ARGV: expected version, prefix, account
/// suffix, plan JSON. Returns the new version, -1 when the version moved on (read
/// again), -2 when the plan's lease node is not live.
pub fn commit() -> Script {
    Script::new(
        r#"
local ver = tonumber(redis.call('GET', KEYS[1]) or '0')
if ver ~= tonumber(ARGV[1]) then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local plan = cjson.decode(ARGV[4])
local function live(node)
  local s = redis.call('ZSCORE', KEYS[3], node)
  return s and tonumber(s) >= now
end
if plan.lease ~= '' and not live(plan.lease) then return -2 end
for _, f in ipairs(plan.del) do redis.call('HDEL', KEYS[2], f) end
for _, kv in ipairs(plan.put) do redis.call('HSET', KEYS[2], kv[1], kv[2]) end
for _, n in ipairs(plan.index_add) do
  redis.call('SADD', ARGV[2] .. ':node:' .. n .. ':accounts', ARGV[3])
end
for _, n in ipairs(plan.index_del) do
  redis.call('SREM', ARGV[2] .. ':node:' .. n .. ':accounts', ARGV[3])
end
for _, m in ipairs(plan.send) do
  if live(m[1]) then
    redis.call('XADD', ARGV[2] .. ':inbox:' .. m[1], 'MAXLEN', '~', '10000', '*', 'd', m[2])
  end
end
if redis.call('HLEN', KEYS[2]) == 0 then
  redis.call('SET', KEYS[1], ver + 1, 'PX', 3600000)
else
  redis.call('SET', KEYS[1], ver + 1)
end
return ver + 1
"#,
    )
}

/// Registers (ARGV[4] = "1") or renews a node's lease and its `/lbs` info.
///
/// KEYS: nodes, node-info. ARGV: node id, lease ms, info JSON, register flag.
/// Returns 1, or 0 when a renewal came too late: the lease had expired, the node
/// may already have been swept, and it must not come back under that id.
pub fn lease() -> Script {
    Script::new(
        r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[4] ~= '1' then
  local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
  if (not s) or tonumber(s) < now then return 0 end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
"#,
    )
}

/// The ids of nodes whose lease has expired. KEYS: nodes.
pub fn dead_nodes() -> Script {
    Script::new(
        r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
"#,
    )
}

/// The `/lbs` info JSON of every live node. KEYS: nodes, node-info.
pub fn live_nodes() -> Script {
    Script::new(
        r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
  local info = redis.call('HGET', KEYS[2], id)
  if info then table.insert(out, info) end
end
return out
"#,
    )
}
