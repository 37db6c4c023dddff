-- Makes sure the cluster's shared values exist, keeping those that do: the epoch (ARGV[2] if there
-- is none), the shared secret (ARGV[3] if there is none) and a node counter at least ARGV[4], so
-- that after Redis lost its data no number a node had is handed out again.
-- Returns { epoch, secret }.
local epoch = redis.call('GET', P .. ':epoch')
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', P .. ':epoch', epoch)
end
redis.call('SET', P .. ':secret', ARGV[3], 'NX')
local highest = tonumber(ARGV[4])
if (tonumber(redis.call('GET', P .. ':node-seq')) or 0) < highest then
  redis.call('SET', P .. ':node-seq', string.format('%d', highest))
end
return { epoch, redis.call('GET', P .. ':secret') }
