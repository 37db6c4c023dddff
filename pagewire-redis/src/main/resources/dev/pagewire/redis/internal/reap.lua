-- Removes the members of node ARGV[2], whose lease is gone, publishing a leave for each; nothing if
-- its lease is there. Safe to run on several nodes at once. Returns the members removed, or -1.
if redis.call('EXISTS', P .. ':node:' .. ARGV[2]) == 1 then
  return -1
end
return reap(ARGV[2])
