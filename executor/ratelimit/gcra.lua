-- One rate-limit decision, atomically, on the Redis clock.
--
-- KEYS[1]  the client's key; a hash {l = level, t = time of level in microseconds}
-- ARGV[1]  limit: the budget in points
-- ARGV[2]  window in microseconds: the time an empty budget takes to refill
-- ARGV[3]  cost in points
-- ARGV[4]  ceiling: the highest level a spend may reach (limit plus rounding slack)
--
-- Returns {allowed (1 or 0), level after the decision as a string}. Numbers go back as
-- strings because Redis truncates Lua numbers to integers.

-- Before Redis 5, a script that reads TIME may only write if it replicates effects.
if redis.replicate_commands then redis.replicate_commands() end

local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local ceiling = tonumber(ARGV[4])

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local level = 0
local saved = redis.call('HMGET', KEYS[1], 'l', 't')
if saved[1] then
  local elapsed = math.max(now - tonumber(saved[2]), 0)
  level = math.max(tonumber(saved[1]) - elapsed * limit / window, 0)
end

local allowed = 0
if cost <= ceiling and level + cost <= ceiling then
  allowed = 1
  if cost > 0 then
    level = level + cost
    redis.call('HSET', KEYS[1], 'l', string.format('%.17g', level), 't', string.format('%d', now))
    -- Gone once full again: a missing key reads as a full budget.
    redis.call('PEXPIRE', KEYS[1], math.ceil(level * window / limit / 1000) + 1)
  end
end
return {allowed, string.format('%.17g', level)}
