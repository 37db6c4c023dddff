-- Takes a new node number: the next one whose lease key is free. ARGV[2] is the lease value,
-- ARGV[3] the lease in milliseconds. Returns the number.
while true do
  local node = redis.call('INCR', P .. ':node-seq')
  if redis.call('SET', P .. ':node:' .. node, ARGV[2], 'NX', 'PX', ARGV[3]) then
    redis.call('SADD', P .. ':nodes', node)
    return node
  end
end
