-- Every node's lease as of now. Returns { epoch, node counter, n1, lease1, n2, lease2, ... } with
-- '' for a node whose lease is gone.
local out = { redis.call('GET', P .. ':epoch') or '', redis.call('GET', P .. ':node-seq') or '0' }
for _, node in ipairs(redis.call('SMEMBERS', P .. ':nodes')) do
  out[#out + 1] = node
  out[#out + 1] = redis.call('GET', P .. ':node:' .. node) or ''
end
return out
