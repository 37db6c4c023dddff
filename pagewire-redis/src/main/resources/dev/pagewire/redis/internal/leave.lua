-- Node ARGV[2] (token ARGV[3]) leaves the cluster: its lease ends, its members leave, and the others
-- are told at once. Returns the members removed, or -1 if another node holds the number.
local key = P .. ':node:' .. ARGV[2]
local value = redis.call('GET', key)
if value == 'alive:' .. ARGV[3] or value == 'draining:' .. ARGV[3] then
  redis.call('DEL', key)
elseif value then
  return -1
end
local removed = reap(ARGV[2])
redis.call('PUBLISH', P .. ':cluster', 'gone ' .. ARGV[2])
return removed
