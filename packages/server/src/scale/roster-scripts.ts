/**
 * The Lua scripts of the Redis roster. Each runs atomically in Redis, so two nodes admitting a
 * peer to the same room at once cannot both take its last place.
 *
 * Keys, under a prefix (`icelane:` by default):
 * - `room:<room>`: a hash, peer id → the peer as JSON (`peerId`, `socketId`, `nodeId`, `joinedAt`,
 *   `name`, `meta`);
 * - `beats`: a hash, node id → Redis time (ms) of the node's last heartbeat;
 * - `clock`: a hash, `seen` → Redis time of the last script run by any node, `since` → when the
 *   current stretch of Redis being reachable began;
 * - `node:<nodeId>`: exists while the node is alive (renewed by its heartbeat, with an expiry);
 *   kept for nodes of an earlier version, which judge liveness by it alone;
 * - `nodes`: the set of node ids that have peers;
 * - `node-peers:<nodeId>`: a hash, peer id → room, of a node's peers, to clear them when it dies.
 *
 * Liveness is judged in Redis time, and only over time Redis was reachable. A node is dead once
 * it has not beaten for `livenessMs` counted from its last beat or from the start of the current
 * reachable stretch, whichever is later. A gap of more than `gapMs` between any two scripts means
 * Redis was paused or cut off from every node: nobody could beat, so a new stretch begins and
 * every node gets a full `livenessMs` to beat again (issue 14: a 20 s pause had the first node
 * back declare the other node's live peers gone).
 *
 * A peer whose node is dead does not count and is removed where it is met.
 */

/** Lua: the Redis time and the start of the current reachable stretch; renews both. */
const CLOCK = `
if redis.replicate_commands then redis.replicate_commands() end
local function clock(prefix, gapMs)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local key = prefix .. 'clock'
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
 * Lua: whether `node` is dead. `judge` is 0 while the asking node may not judge yet (it has not
 * been connected to Redis for `livenessMs`).
 */
const DEAD = `
local function dead(prefix, node, time, livenessMs, judge)
  if judge ~= 1 then return false end
  if redis.call('EXISTS', prefix .. 'node:' .. node) == 1 then return false end
  local beat = tonumber(redis.call('HGET', prefix .. 'beats', node)) or 0
  return time.now - math.max(beat, time.since) > livenessMs
end
`;

/** Lua: whether the peer stored as JSON in `raw` belongs to a live node. */
const LIVE = `${DEAD}
local function live(prefix, raw, time, livenessMs, judge)
  local ok, peer = pcall(cjson.decode, raw)
  return ok and type(peer) == 'table' and type(peer.nodeId) == 'string'
    and not dead(prefix, peer.nodeId, time, livenessMs, judge)
end
`;

/** Lua: renews this node's liveness. */
const ALIVE = `
local function alive(prefix, nodeId, livenessMs, time)
  redis.call('SET', prefix .. 'node:' .. nodeId, '1', 'PX', livenessMs)
  redis.call('HSET', prefix .. 'beats', nodeId, time.now)
  redis.call('SADD', prefix .. 'nodes', nodeId)
end
`;

/**
 * KEYS: room hash, this node's peers hash. ARGV: cap, peer id, peer JSON, room, prefix, node id,
 * liveness ms, gap ms, judge (1 or 0). Answers `{1 | 0, others' JSON, peer ids removed as dead}`.
 */
export const CLAIM = `${CLOCK}${LIVE}${ALIVE}
local prefix, livenessMs, judge = ARGV[5], tonumber(ARGV[7]), tonumber(ARGV[9])
local time = clock(prefix, tonumber(ARGV[8]))
alive(prefix, ARGV[6], livenessMs, time)
local entries = redis.call('HGETALL', KEYS[1])
local others, gone = {}, {}
for i = 1, #entries, 2 do
  if live(prefix, entries[i + 1], time, livenessMs, judge) then
    table.insert(others, entries[i + 1])
  else
    redis.call('HDEL', KEYS[1], entries[i])
    table.insert(gone, entries[i])
  end
end
if #others >= tonumber(ARGV[1]) then return {0, others, gone} end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
return {1, others, gone}
`;

/**
 * KEYS: room hash. ARGV: prefix, liveness ms, gap ms, judge. Answers how many peers of live
 * nodes are in the room.
 */
export const COUNT = `${CLOCK}${LIVE}
local prefix, livenessMs, judge = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4])
local time = clock(prefix, tonumber(ARGV[3]))
local entries = redis.call('HGETALL', KEYS[1])
local count = 0
for i = 2, #entries, 2 do
  if live(prefix, entries[i], time, livenessMs, judge) then count = count + 1 end
end
return count
`;

/**
 * ARGV: prefix, node id, liveness ms, gap ms, judge. Renews this node, then clears the peers of
 * dead nodes. Answers `{room, peer id, room, peer id, ...}` of the peers removed here (a peer is
 * removed by one node only, so only one tells its room).
 */
export const HEARTBEAT = `${CLOCK}${DEAD}${ALIVE}
local prefix, livenessMs, judge = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[5])
local time = clock(prefix, tonumber(ARGV[4]))
alive(prefix, ARGV[2], livenessMs, time)
local gone = {}
for _, node in ipairs(redis.call('SMEMBERS', prefix .. 'nodes')) do
  if dead(prefix, node, time, livenessMs, judge) then
    local peers = redis.call('HGETALL', prefix .. 'node-peers:' .. node)
    for i = 1, #peers, 2 do
      if redis.call('HDEL', prefix .. 'room:' .. peers[i + 1], peers[i]) == 1 then
        table.insert(gone, peers[i + 1])
        table.insert(gone, peers[i])
      end
    end
    redis.call('DEL', prefix .. 'node-peers:' .. node)
    redis.call('HDEL', prefix .. 'beats', node)
    redis.call('SREM', prefix .. 'nodes', node)
  end
end
return gone
`;

/**
 * KEYS: room hash. ARGV: peer id, resume proof, prefix. Removes the peer when its stored resume
 * proof matches (a rejoin replaces it), and tells its node on the `evicted` channel (JSON
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
redis.call('HDEL', ARGV[3] .. 'node-peers:' .. peer.nodeId, ARGV[1])
redis.call('PUBLISH', ARGV[3] .. 'evicted', cjson.encode({peer.nodeId, ARGV[1], peer.socketId}))
return {peer.socketId, peer.nodeId}
`;
