-- Takes node number ARGV[2] again after Redis lost its data, unless another node took it meanwhile.
-- ARGV[3] is the lease value, ARGV[4] the lease in milliseconds. Returns 1 if taken, else 0.
if not redis.call('SET', P .. ':node:' .. ARGV[2], ARGV[3], 'NX', 'PX', ARGV[4]) then
  return 0
end
redis.call('SADD', P .. ':nodes', ARGV[2])
if (tonumber(redis.call('GET', P .. ':node-seq')) or 0) < tonumber(ARGV[2]) then
  redis.call('SET', P .. ':node-seq', ARGV[2])
end
return 1
