-- Puts one topic event into its topic's order, applies it to the topic's kept state and publishes
-- it on P:topics, all at once. ARGV: [2] kind J, L or B; [3] topic; [4] member ('' for none);
-- [5] whether there is a member (1 or 0); [6] node (joins); [7] history (broadcasts); [8] payload.
-- Returns the event's number, or 0 when nothing happened: a join for a node whose lease is gone
-- (nobody would ever reap its member; that node is evicted and closes its pages anyway).
local kind, topic, node, payload = ARGV[2], ARGV[3], ARGV[6], ARGV[8]
local member = nil
if ARGV[5] == '1' then
  member = ARGV[4]
end
if kind == 'J' then
  if redis.call('EXISTS', P .. ':node:' .. node) == 0 then
    return 0
  end
  local key = topicKey(topic, 'members')
  local seq = nextSeq()
  local order = seq
  local old = redis.call('HGET', key, member)
  if old then
    local first, oldNode = string.match(old, '^(%d+) (%d+) ')
    order = tonumber(first)
    if oldNode ~= node then
      redis.call('SREM', memberships(oldNode), ref(topic, member))
    end
  end
  redis.call('HSET', key, member, string.format('%d %s ', order, node) .. payload)
  redis.call('SADD', memberships(node), ref(topic, member))
  redis.call('SADD', P .. ':topic-index', topic)
  emit(seq, 'J', topic, member, node, 0, payload)
  return seq
elseif kind == 'L' then
  if removeMember(topic, member, nil) then
    return tonumber(redis.call('GET', P .. ':topic-seq'))
  end
  -- Not a member (Redis lost it, or never had it): the leave still comes back, since its node
  -- counts it as pending until it does.
  local seq = nextSeq()
  emit(seq, 'L', topic, member, '0', 0, '')
  dropIfEmpty(topic)
  return seq
end
local history = tonumber(ARGV[7])
local seq = nextSeq()
local key = topicKey(topic, 'history')
if history > 0 then
  redis.call('RPUSH', key, string.format('%d ', seq) .. payload)
  redis.call('LTRIM', key, -history, -1)
  redis.call('SADD', P .. ':topic-index', topic)
else
  redis.call('DEL', key)
end
emit(seq, 'B', topic, member, '0', history, payload)
dropIfEmpty(topic)
return seq
