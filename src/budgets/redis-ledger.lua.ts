/**
 * The ledger's Lua scripts. Each runs atomically on the Redis primary, so every instance sees one
 * order of reservations: that is what makes a budget global. A counter is a hash {s: spent,
 * r: reserved, h:<holdId>: what that call reserved} and a sorted set `<key>:l` of its holds'
 * lease expiries, so the reservations of a call whose instance died are given back. Integers are
 * exact up to 2^53 nano-USD (about 9 million USD per counter). The clock is the Redis server's
 * (ARGV[1] empty) or the caller's (tests).
 */

const CLOCK = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/** Gives back the reservations of holds whose lease ran out. */
const EXPIRE = `
local function expire(key, now)
  local gone = redis.call('ZRANGEBYSCORE', key .. ':l', '-inf', now)
  for _, id in ipairs(gone) do
    local amt = redis.call('HGET', key, 'h:' .. id)
    if amt and amt ~= '0' then
      local r = redis.call('HINCRBY', key, 'r', '-' .. amt)
      if r < 0 then redis.call('HSET', key, 'r', 0) end
    end
    redis.call('HDEL', key, 'h:' .. id)
    redis.call('ZREM', key .. ':l', id)
  end
end
`;

/**
 * KEYS: counters. ARGV: now, holdId, holdTtlMs, then per counter (5 each): limit, amount,
 * enforce (1|0), ttlMs (-1: keep), base (-1: none). Returns {2, i...} when absent counters have no
 * base (nothing taken), {0, i, spent, reserved} when counter i refuses (nothing taken), else
 * {1, spent1, reserved1, ...}. An absent counter with a base is created with it here, inside the
 * script, so a rebuild can never overwrite spend or reservations another instance added after it.
 */
export const RESERVE_LUA = CLOCK + EXPIRE + `
local hold, lease = ARGV[2], tonumber(ARGV[3])
local missing = {}
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 and tonumber(ARGV[3 + (i - 1) * 5 + 5]) < 0 then
    missing[#missing + 1] = i
  end
end
if #missing > 0 then
  local out = {2}
  for _, i in ipairs(missing) do out[#out + 1] = i end
  return out
end
local spent, reserved = {}, {}
for i = 1, #KEYS do
  local o = 3 + (i - 1) * 5
  if redis.call('EXISTS', KEYS[i]) == 0 then
    redis.call('DEL', KEYS[i] .. ':l')
    redis.call('HSET', KEYS[i], 's', ARGV[o + 5], 'r', 0)
  else
    expire(KEYS[i], now)
  end
  spent[i] = tonumber(redis.call('HGET', KEYS[i], 's') or '0')
  reserved[i] = tonumber(redis.call('HGET', KEYS[i], 'r') or '0')
  local limit, amount = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2])
  local used = spent[i] + reserved[i]
  if ARGV[o + 3] == '1' and (used + amount > limit or used >= limit) then
    return {0, i, spent[i], reserved[i]}
  end
end
local out = {1}
for i = 1, #KEYS do
  local o = 3 + (i - 1) * 5
  local r = redis.call('HINCRBY', KEYS[i], 'r', ARGV[o + 2])
  redis.call('HINCRBY', KEYS[i], 'h:' .. hold, ARGV[o + 2])
  redis.call('ZADD', KEYS[i] .. ':l', now + lease, hold)
  local ttl = tonumber(ARGV[o + 4])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[i], ttl)
    redis.call('PEXPIRE', KEYS[i] .. ':l', ttl)
  end
  out[#out + 1] = spent[i]
  out[#out + 1] = r
end
return out
`;

/**
 * KEYS: counters. ARGV per counter (3 each): holdId, actual, ttlMs (-1: keep). The hold's
 * reservation is given back if its lease still holds it (an expired lease gave it back already).
 * An absent counter (flushed) is left absent: creating it from this call alone would lose the
 * period's earlier spend; the next reservation rebuilds it from the usage records instead.
 * Returns per counter {before, after} spent, or {-1, -1} when absent.
 */
export const SETTLE_LUA = `
local out = {}
for i = 1, #KEYS do
  local o = (i - 1) * 3
  if redis.call('EXISTS', KEYS[i]) == 0 then
    out[#out + 1] = -1
    out[#out + 1] = -1
  else
    local hold = ARGV[o + 1]
    local amt = redis.call('HGET', KEYS[i], 'h:' .. hold)
    if amt then
      if amt ~= '0' then
        local r = redis.call('HINCRBY', KEYS[i], 'r', '-' .. amt)
        if r < 0 then redis.call('HSET', KEYS[i], 'r', 0) end
      end
      redis.call('HDEL', KEYS[i], 'h:' .. hold)
      redis.call('ZREM', KEYS[i] .. ':l', hold)
    end
    local before = tonumber(redis.call('HGET', KEYS[i], 's') or '0')
    local after = redis.call('HINCRBY', KEYS[i], 's', ARGV[o + 2])
    local ttl = tonumber(ARGV[o + 3])
    if ttl > 0 then redis.call('PEXPIRE', KEYS[i], ttl) end
    out[#out + 1] = before
    out[#out + 1] = after
  end
end
return out
`;

/**
 * KEYS: counters. ARGV: now. Read-only: per counter {spent, reserved} with the reservations of
 * expired leases left out (the next reservation gives them back for good), or {-1, -1} when absent.
 */
export const PEEK_LUA = CLOCK + `
local out = {}
for i = 1, #KEYS do
  local s = redis.call('HGET', KEYS[i], 's')
  if not s then
    out[#out + 1] = -1
    out[#out + 1] = -1
  else
    local r = tonumber(redis.call('HGET', KEYS[i], 'r') or '0')
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[i] .. ':l', '-inf', now)) do
      r = r - tonumber(redis.call('HGET', KEYS[i], 'h:' .. id) or '0')
    end
    out[#out + 1] = tonumber(s)
    out[#out + 1] = math.max(0, r)
  end
end
return out
`;
