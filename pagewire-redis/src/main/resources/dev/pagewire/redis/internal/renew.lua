-- Renews node ARGV[2]'s lease if it still holds this node's claim (token ARGV[3]), with state
-- ARGV[4] (alive or draining) for ARGV[5] milliseconds.
-- Returns 1 if renewed, 0 if the lease is gone, -1 if another node holds the number.
local key = P .. ':node:' .. ARGV[2]
local value = redis.call('GET', key)
if not value then
  return 0
end
if value ~= 'alive:' .. ARGV[3] and value ~= 'draining:' .. ARGV[3] then
  return -1
end
redis.call('SET', key, ARGV[4] .. ':' .. ARGV[3], 'PX', ARGV[5])
return 1
