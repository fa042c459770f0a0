/**
 * The Lua scripts of the Redis roster. Each runs atomically in Redis, so two nodes admitting a
 * peer to the same room at once cannot both take its last place; each touches the keys of one
 * hash slot only, so they run on a Redis Cluster as on one server (see `roster-keys.ts`).
 *
 * Keys, under a prefix (`icelane:` by default):
 * - `room:{<room>}`: a hash, peer id → the peer as JSON (`peerId`, `socketId`, `nodeId`,
 *   `joinedAt`, `name`, `meta`); one per room, each on the slot of its room;
 * - `node:{<nodeId>}:peers`: a hash, peer id → room, of a node's peers, to clear them when it dies;
 * - on one slot, `{nodes}`: `beats` (node id → Redis time in ms of its last heartbeat), `clock`
 *   (`seen` → Redis time of the last heartbeat of any node, `since` → when the current stretch
 *   of Redis being reachable began), `set` (the node ids with a heartbeat) and `dead` (node id →
 *   Redis time it was found dead, remembered for `deadMemoryMs`).
 *
 * Liveness is judged by the heartbeats, in Redis time, and only over time Redis was reachable. A
 * node is dead once it has not beaten for `livenessMs` counted from its last beat or from the
 * start of the current reachable stretch, whichever is later. A gap of more than `gapMs` between
 * two heartbeats means Redis was paused or cut off from every node: nobody could beat, so a new
 * stretch begins and every node gets a full `livenessMs` to beat again (issue 14: a 20 s pause
 * had the first node back declare the other node's live peers gone).
 *
 * A heartbeat that finds a node dead moves it to `dead`; every node then clears the peers of the
 * dead nodes room by room (see `redis-roster.ts`). The room scripts take the list of dead nodes
 * from the caller (a room's slot cannot read `{nodes}`) and drop the peers of those nodes where
 * they meet them, so a peer missing from its node's list leaves no ghost either.
 */

/** Lua: the Redis time and the start of the current reachable stretch; renews both. */
const CLOCK = `
if redis.replicate_commands then redis.replicate_commands() end
local function clock(key, gapMs)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local seen = tonumber(redis.call('HGET', key, 'seen'))
  local since = tonumber(redis.call('HGET', key, 'since'))
  if seen == nil or since == nil or now - seen > gapMs or now < seen then
    since = now
    redis.call('HSET', key, 'since', since)
  end
  redis.call('HSET', key, 'seen', now)
  return {now = now, since = since}
end
`;

/**
 * KEYS: beats, clock, set, dead (the `{nodes}` slot). ARGV: node id, liveness ms, gap ms, judge
 * (1, or 0 while the caller has not been connected for `livenessMs` and may not judge yet), dead
 * memory ms. Renews this node, moves the nodes found dead to `dead`. Answers
 * `{nodes found dead by this call, every node remembered dead}`; the callers clear the peers of
 * the dead nodes.
 */
export const HEARTBEAT = `${CLOCK}
local node, livenessMs, judge = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4])
local time = clock(KEYS[2], tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], node, time.now)
redis.call('SADD', KEYS[3], node)
redis.call('HDEL', KEYS[4], node)
local found = {}
if judge == 1 then
  for _, other in ipairs(redis.call('SMEMBERS', KEYS[3])) do
    local beat = tonumber(redis.call('HGET', KEYS[1], other)) or 0
    if time.now - math.max(beat, time.since) > livenessMs then
      redis.call('SREM', KEYS[3], other)
      redis.call('HDEL', KEYS[1], other)
      redis.call('HSET', KEYS[4], other, time.now)
      table.insert(found, other)
    end
  end
end
local dead = {}
local entries = redis.call('HGETALL', KEYS[4])
for i = 1, #entries, 2 do
  if time.now - tonumber(entries[i + 1]) > tonumber(ARGV[5]) then
    redis.call('HDEL', KEYS[4], entries[i])
  else
    table.insert(dead, entries[i])
  end
end
return {found, dead}
`;

/** Lua: the set of dead node ids from ARGV[from..], and whether a stored peer is of a live node. */
const LIVE = `
local function deadSet(from)
  local set = {}
  for i = from, #ARGV do set[ARGV[i]] = true end
  return set
end
local function live(raw, dead)
  local ok, peer = pcall(cjson.decode, raw)
  return ok and type(peer) == 'table' and type(peer.nodeId) == 'string' and not dead[peer.nodeId]
end
`;

/**
 * KEYS: room hash. ARGV: cap, peer id, peer JSON, dead node ids... Answers
 * `{1 | 0, others' JSON, peer ids removed as dead}`.
 */
export const CLAIM = `${LIVE}
local dead = deadSet(4)
local entries = redis.call('HGETALL', KEYS[1])
local others, gone = {}, {}
for i = 1, #entries, 2 do
  if live(entries[i + 1], dead) then
    table.insert(others, entries[i + 1])
  else
    redis.call('HDEL', KEYS[1], entries[i])
    table.insert(gone, entries[i])
  end
end
if #others >= tonumber(ARGV[1]) then return {0, others, gone} end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return {1, others, gone}
`;

/** KEYS: room hash. ARGV: dead node ids... Answers how many peers of live nodes are in the room. */
export const COUNT = `${LIVE}
local dead = deadSet(1)
local entries = redis.call('HGETALL', KEYS[1])
local count = 0
for i = 2, #entries, 2 do
  if live(entries[i], dead) then count = count + 1 end
end
return count
`;

/**
 * KEYS: room hash. ARGV: peer id, node id. Removes the peer when it is still the one of that node
 * (a rejoin through another node replaced it otherwise). Answers 1 when removed.
 */
export const CLEAR = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local ok, peer = pcall(cjson.decode, raw)
if ok and type(peer) == 'table' and peer.nodeId ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;

/**
 * KEYS: room hash. ARGV: peer id, resume proof, evicted channel. Removes the peer when its stored
 * resume proof matches (a rejoin replaces it), and tells its node on the channel (JSON
 * `[node id, peer id, socket id]`) so that node forgets it too. Answers `{socket id, node id}`,
 * or nil.
 */
export const EVICT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return nil end
local ok, peer = pcall(cjson.decode, raw)
if not ok or type(peer) ~= 'table' or type(peer.resume) ~= 'string' or peer.resume ~= ARGV[2]
  or type(peer.socketId) ~= 'string' or type(peer.nodeId) ~= 'string' then
  return nil
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[3], cjson.encode({peer.nodeId, ARGV[1], peer.socketId}))
return {peer.socketId, peer.nodeId}
`;
