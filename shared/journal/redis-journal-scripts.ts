// Lua scripts of the Redis turn journal: each operation is one atomic round trip, so the owner
// check and the write it guards cannot be split by another writer. Keys of every script:
//   KEYS[1] {prefix}session:{id}:turn     HASH   turnId, owner, state (running|ended), startSeq, lastSeq, events
//   KEYS[2] {prefix}session:{id}:journal  STREAM entry id `{seq}-0`, fields f (frame JSON) and e=1 on a turn's end
//   KEYS[3] {prefix}session:{id}:lease    STRING the owner, with the lease as its PX expiry
// ARGV[1] is always the session TTL in ms, set again on the hash and the stream by every write.

const REFRESH = `
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
`;

/** ARGV: ttl, turnId, owner, leaseMs -> {1, lastSeq} | {0, turnId, owner, leaseAlive, startSeq, lastSeq, events} */
export const BEGIN = `
local t = redis.call('HMGET', KEYS[1], 'turnId', 'owner', 'state', 'startSeq', 'lastSeq', 'events')
if t[3] == 'running' then
  return {0, t[1], t[2], redis.call('EXISTS', KEYS[3]), tonumber(t[4]), tonumber(t[5]), tonumber(t[6])}
end
local lastSeq = tonumber(t[5]) or 0
-- keep the previous turn (the last completed one) and drop everything older
if t[4] then redis.call('XTRIM', KEYS[2], 'MINID', t[4] .. '-0') end
redis.call('HSET', KEYS[1], 'turnId', ARGV[2], 'owner', ARGV[3], 'state', 'running',
  'startSeq', lastSeq + 1, 'lastSeq', lastSeq, 'events', 0)
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
${REFRESH}
return {1, lastSeq}
`;

/** ARGV: ttl, turnId, owner, leaseMs, events, firstSeq, then frame and end flag ('1'|'0') pairs -> 1 | 0 (not the owner) */
export const APPEND = `
local t = redis.call('HMGET', KEYS[1], 'turnId', 'owner', 'state', 'lastSeq')
if t[1] ~= ARGV[2] or t[2] ~= ARGV[3] or t[3] ~= 'running' then return 0 end
local seq = tonumber(t[4])
if seq + 1 ~= tonumber(ARGV[6]) then
  return redis.error_reply('journal append out of order: seq ' .. ARGV[6] .. ' after ' .. seq)
end
local ended = false
for i = 7, #ARGV, 2 do
  seq = seq + 1
  if ARGV[i + 1] == '1' then
    ended = true
    redis.call('XADD', KEYS[2], seq .. '-0', 'f', ARGV[i], 'e', '1')
  else
    redis.call('XADD', KEYS[2], seq .. '-0', 'f', ARGV[i])
  end
end
redis.call('HSET', KEYS[1], 'lastSeq', seq, 'events', ARGV[5])
if ended then
  redis.call('HSET', KEYS[1], 'state', 'ended')
  redis.call('DEL', KEYS[3])
else
  redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
end
${REFRESH}
return 1
`;

/** ARGV: ttl, turnId, owner, leaseMs -> 1 | 0 */
export const RENEW = `
local t = redis.call('HMGET', KEYS[1], 'turnId', 'owner', 'state')
if t[1] ~= ARGV[2] or t[2] ~= ARGV[3] or t[3] ~= 'running' then return 0 end
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
${REFRESH}
return 1
`;

/** ARGV: ttl, turnId, owner, leaseMs, onlyIfExpired ('1'|'0') -> {startSeq, lastSeq, events} | nil */
export const CLAIM = `
local t = redis.call('HMGET', KEYS[1], 'turnId', 'state', 'startSeq', 'lastSeq', 'events')
if t[1] ~= ARGV[2] or t[2] ~= 'running' then return false end
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return false end
redis.call('HSET', KEYS[1], 'owner', ARGV[3])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
${REFRESH}
return {tonumber(t[3]), tonumber(t[4]), tonumber(t[5])}
`;

/**
 * ARGV: ttl, afterSeq ('' = from the latest turn's start)
 * -> {} | {turnId, owner, state, startSeq, lastSeq, events, leaseAlive, entries}
 */
export const READ = `
local t = redis.call('HMGET', KEYS[1], 'turnId', 'owner', 'state', 'startSeq', 'lastSeq', 'events')
if not t[1] then return {} end
local after = tonumber(ARGV[2])
if after == nil then after = tonumber(t[4]) - 1 end
local entries = redis.call('XRANGE', KEYS[2], '(' .. after .. '-0', '+')
${REFRESH}
return {t[1], t[2], t[3], tonumber(t[4]), tonumber(t[5]), tonumber(t[6]), redis.call('EXISTS', KEYS[3]), entries}
`;
