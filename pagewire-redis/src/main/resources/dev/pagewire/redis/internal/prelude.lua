-- Shared by every script of the Redis backplane: Scripts puts it before each script's own body.
-- ARGV[1] is always the prefix P; the keys, all built here from it:
--   P:node-seq                  counter that hands out node numbers (never reused)
--   P:node:<n>                  node n's lease: '<state>:<token>', state alive or draining, with a TTL
--   P:nodes                     set of node numbers that may hold a lease or memberships
--   P:epoch                     random value that changes when Redis loses its data
--   P:secret                    the cluster's shared secret (32 random bytes)
--   P:topic-seq                 counter that numbers the events of every topic
--   P:topic-index               set of topics with members or kept broadcasts
--   P:t:{<topic>}:seq           number of the topic's last event
--   P:t:{<topic>}:members       hash member id -> '<join order> <node> <presence JSON>'
--   P:t:{<topic>}:history       list of kept broadcasts, oldest first: '<seq> <frame>'
--   P:memberships:<n>           set of node n's memberships, '<#topic>:<topic><member>', for reaping
-- Channels: P:topics (every topic event), P:cluster (notices), P:n:<n> (messages to node n).
local P = ARGV[1]

local function topicKey(topic, part)
  return P .. ':t:{' .. topic .. '}:' .. part
end

local function memberships(node)
  return P .. ':memberships:' .. node
end

local function ref(topic, member)
  return #topic .. ':' .. topic .. member
end

-- One counter for every topic: a topic whose keys were removed and made again goes on with higher
-- numbers, so a node never sees a topic's numbers go back.
local function nextSeq()
  return redis.call('INCR', P .. ':topic-seq')
end

-- Publishes an event as 'kind seq node history #topic #member\n' topic member payload (#member is
-- -1 when there is none), and records it as the topic's last.
local function emit(seq, kind, topic, member, node, history, payload)
  local header = string.format('%s %d %s %d %d %d\n', kind, seq, node, history, #topic, member and #member or -1)
  redis.call('PUBLISH', P .. ':topics', header .. topic .. (member or '') .. payload)
  redis.call('SET', topicKey(topic, 'seq'), string.format('%d', seq))
end

-- Removes the topic's keys once it has no members and no kept broadcasts.
local function dropIfEmpty(topic)
  if redis.call('HLEN', topicKey(topic, 'members')) == 0 and redis.call('EXISTS', topicKey(topic, 'history')) == 0 then
    redis.call('DEL', topicKey(topic, 'seq'), topicKey(topic, 'members'))
    redis.call('SREM', P .. ':topic-index', topic)
  end
end

-- Removes a member and publishes its leave; only if it lives on onlyNode, when that is given.
-- Returns whether it was a member.
local function removeMember(topic, member, onlyNode)
  local key = topicKey(topic, 'members')
  local value = redis.call('HGET', key, member)
  if not value then
    return false
  end
  local _, node = string.match(value, '^(%d+) (%d+) ')
  if onlyNode and node ~= onlyNode then
    return false
  end
  redis.call('HDEL', key, member)
  redis.call('SREM', memberships(node), ref(topic, member))
  emit(nextSeq(), 'L', topic, member, '0', 0, '')
  dropIfEmpty(topic)
  return true
end

-- Removes every member node n has and forgets n; returns how many members left. Idempotent.
local function reap(node)
  local removed = 0
  for _, r in ipairs(redis.call('SMEMBERS', memberships(node))) do
    local colon = string.find(r, ':', 1, true)
    local length = tonumber(string.sub(r, 1, colon - 1))
    local topic = string.sub(r, colon + 1, colon + length)
    local member = string.sub(r, colon + length + 1)
    if removeMember(topic, member, node) then
      removed = removed + 1
    end
  end
  redis.call('DEL', memberships(node))
  redis.call('SREM', P .. ':nodes', node)
  return removed
end

