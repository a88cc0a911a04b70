/**
 * Lua scripts of the Redis limiter. Each runs atomically on the Redis server, so N gateway
 * instances share one exact set of counters; each request costs one round trip.
 * Semantics mirror memory-limiter.ts and evalWindow() in limiter-store.ts.
 *
 * Time: ARGV[1] is a clock in ms supplied by tests, or '' to use the Redis server's TIME, so that
 * instances with skewed clocks still agree on window boundaries (Redis ≥ 5 replicates script
 * effects, which makes TIME safe before writes).
 */
const NOW = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end`;

/**
 * KEYS: one per check. ARGV: now, mode ('c' commit | 'p' peek), lease id, then 4 per check:
 * kind ('w' window: limit, windowMs, cost | 'b' bucket: capacity, refill/s, - | 'l' lease: max, ttlMs, -).
 * Commit returns {1, now} or {0, index (1-based), retryMs}; peek returns {ok, used, retryMs} per check.
 */
export const ACQUIRE_LUA = `${NOW}
local commit = ARGV[2] == 'c'
local lease = ARGV[3]
local n = #KEYS
local s1, s2, s3 = {}, {}, {}
local out = {}
for i = 1, n do
  local k = KEYS[i]
  local j = 3 + (i - 1) * 4
  local kind = ARGV[j + 1]
  local a, b, c = tonumber(ARGV[j + 2]), tonumber(ARGV[j + 3]), tonumber(ARGV[j + 4])
  local ok, used, retry = true, 0, 0
  if kind == 'w' then
    local idx = math.floor(now / b)
    local h = redis.call('HMGET', k, 'w', 'c', 'p')
    local w = tonumber(h[1])
    local cur, prev = 0, 0
    if w == idx then
      cur = tonumber(h[2]) or 0
      prev = tonumber(h[3]) or 0
    elseif w == idx - 1 then
      prev = tonumber(h[2]) or 0
    end
    local elapsed = now - idx * b
    used = prev * (b - elapsed) / b + cur
    if used + c > a then
      ok = false
      local room = a - c - cur
      if room >= 0 and prev > 0 then
        retry = b * (1 - room / prev) - elapsed
      elseif a - c >= 0 and cur > 0 then
        retry = b - elapsed + b * (1 - (a - c) / cur)
      else
        retry = b
      end
    end
    s1[i], s2[i], s3[i] = idx, cur, prev
  elseif kind == 'b' then
    local h = redis.call('HMGET', k, 't', 'ts')
    local t, ts = tonumber(h[1]), tonumber(h[2])
    if not t then
      t = a
      ts = now
    end
    if now > ts then
      t = math.min(a, t + (now - ts) * b / 1000)
    else
      t = math.min(a, t)
    end
    used = a - t
    if t < 1 then
      ok = false
      retry = (1 - t) * 1000 / b
    end
    s1[i], s2[i] = t, math.max(now, ts)
  elseif kind == 'l' then
    redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
    used = redis.call('ZCARD', k)
    if used >= a then
      ok = false
      retry = 1000
    end
  end
  if commit then
    if not ok then return {0, i, math.ceil(retry)} end
  else
    out[#out + 1] = ok and 1 or 0
    out[#out + 1] = math.floor(used)
    out[#out + 1] = math.ceil(retry)
  end
end
if not commit then return out end
for i = 1, n do
  local k = KEYS[i]
  local j = 3 + (i - 1) * 4
  local kind = ARGV[j + 1]
  local a, b, c = tonumber(ARGV[j + 2]), tonumber(ARGV[j + 3]), tonumber(ARGV[j + 4])
  if kind == 'w' then
    redis.call('HSET', k, 'w', s1[i], 'c', s2[i] + c, 'p', s3[i])
    redis.call('PEXPIRE', k, 2 * b)
  elseif kind == 'b' then
    redis.call('HSET', k, 't', s1[i] - 1, 'ts', s2[i])
    redis.call('PEXPIRE', k, math.ceil(a * 1000 / b) + 1000)
  elseif kind == 'l' then
    redis.call('ZADD', k, now + b, lease)
    if redis.call('PTTL', k) < b then redis.call('PEXPIRE', k, b) end
  end
end
return {1, now}`;

/**
 * KEYS: the adjusted window keys, then the lease keys. ARGV: now, lease id, number of
 * adjustments, then 3 per adjustment: windowMs, reservation time, delta.
 */
export const FINISH_LUA = `${NOW}
local lease = ARGV[2]
local na = tonumber(ARGV[3])
for i = 1, na do
  local k = KEYS[i]
  local j = 3 + (i - 1) * 3
  local b, at, d = tonumber(ARGV[j + 1]), tonumber(ARGV[j + 2]), tonumber(ARGV[j + 3])
  local ridx = math.floor(at / b)
  local idx = math.floor(now / b)
  local h = redis.call('HMGET', k, 'w', 'c', 'p')
  local w = tonumber(h[1])
  local cur, prev = tonumber(h[2]) or 0, tonumber(h[3]) or 0
  local live = ridx >= idx - 1
  if live and w == ridx then
    redis.call('HSET', k, 'c', math.max(0, cur + d))
  elseif live and w == ridx + 1 then
    redis.call('HSET', k, 'p', math.max(0, prev + d))
  elseif d > 0 then
    if w == idx then
      cur = cur + d
    elseif w == idx - 1 then
      prev, cur = cur, d
    else
      prev, cur = 0, d
    end
    redis.call('HSET', k, 'w', idx, 'c', cur, 'p', prev)
    redis.call('PEXPIRE', k, 2 * b)
  end
end
for i = na + 1, #KEYS do
  redis.call('ZREM', KEYS[i], lease)
end
return 1`;

/** KEYS: lease keys. ARGV: now, lease id, ttlMs. Only leases still held are extended. */
export const RENEW_LUA = `${NOW}
local lease = ARGV[2]
local ttl = tonumber(ARGV[3])
for i = 1, #KEYS do
  local exp = redis.call('ZSCORE', KEYS[i], lease)
  if exp and tonumber(exp) > now then
    redis.call('ZADD', KEYS[i], 'XX', now + ttl, lease)
    if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
return 1`;
