-- Topic ARGV[2] as kept now: { seq, member count, id1, member1, ..., broadcast1, ... } (see the
-- prelude for the values), or {} when it keeps nothing.
local topic = ARGV[2]
local seq = redis.call('GET', topicKey(topic, 'seq'))
if not seq then
  return {}
end
local members = redis.call('HGETALL', topicKey(topic, 'members'))
local out = { seq, string.format('%d', #members / 2) }
for i = 1, #members do
  out[#out + 1] = members[i]
end
for _, broadcast in ipairs(redis.call('LRANGE', topicKey(topic, 'history'), 0, -1)) do
  out[#out + 1] = broadcast
end
return out
