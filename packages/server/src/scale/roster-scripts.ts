/**
 * The Lua scripts of the Redis roster. Each runs atomically in Redis, so two nodes admitting a
 * peer to the same room at once cannot both take its last place.
 *
 * Keys, under a prefix (`icelane:` by default):
 * - `room:<room>`: a hash, peer id → the peer as JSON (`peerId`, `socketId`, `nodeId`, `joinedAt`,
 *   `name`, `meta`);
 * - `node:<nodeId>`: exists while the node is alive (renewed by its heartbeat, with an expiry);
 * - `nodes`: the set of node ids that have peers;
 * - `node-peers:<nodeId>`: a hash, peer id → room, of a node's peers, to clear them when it dies.
 *
 * A peer whose node is no longer alive does not count and is removed where it is met.
 */

/** Lua: whether the peer stored as JSON in `raw` belongs to a live node. */
const LIVE = `
local function live(prefix, raw)
  local ok, peer = pcall(cjson.decode, raw)
  return ok and type(peer) == 'table' and peer.nodeId ~= nil
    and redis.call('EXISTS', prefix .. 'node:' .. peer.nodeId) == 1
end
`;

/** Lua: renews this node's liveness. */
const ALIVE = `
local function alive(prefix, nodeId, livenessMs)
  redis.call('SET', prefix .. 'node:' .. nodeId, '1', 'PX', livenessMs)
  redis.call('SADD', prefix .. 'nodes', nodeId)
end
`;

/**
 * KEYS: room hash, this node's peers hash. ARGV: cap, peer id, peer JSON, room, prefix, node id,
 * liveness ms. Answers `{1 | 0, others' JSON, peer ids removed as dead}`.
 */
export const CLAIM = `${LIVE}${ALIVE}
local prefix = ARGV[5]
alive(prefix, ARGV[6], ARGV[7])
local entries = redis.call('HGETALL', KEYS[1])
local others, gone = {}, {}
for i = 1, #entries, 2 do
  if live(prefix, entries[i + 1]) then
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

/** KEYS: room hash. ARGV: prefix. Answers how many peers of live nodes are in the room. */
export const COUNT = `${LIVE}
local entries = redis.call('HGETALL', KEYS[1])
local count = 0
for i = 2, #entries, 2 do
  if live(ARGV[1], entries[i]) then count = count + 1 end
end
return count
`;

/**
 * ARGV: prefix, node id, liveness ms. Renews this node, then clears the peers of nodes whose
 * liveness ran out. Answers `{room, peer id, room, peer id, ...}` of the peers removed here (a
 * peer is removed by one node only, so only one tells its room).
 */
export const HEARTBEAT = `${ALIVE}
local prefix = ARGV[1]
alive(prefix, ARGV[2], ARGV[3])
local gone = {}
for _, node in ipairs(redis.call('SMEMBERS', prefix .. 'nodes')) do
  if redis.call('EXISTS', prefix .. 'node:' .. node) == 0 then
    local peers = redis.call('HGETALL', prefix .. 'node-peers:' .. node)
    for i = 1, #peers, 2 do
      if redis.call('HDEL', prefix .. 'room:' .. peers[i + 1], peers[i]) == 1 then
        table.insert(gone, peers[i + 1])
        table.insert(gone, peers[i])
      end
    end
    redis.call('DEL', prefix .. 'node-peers:' .. node)
    redis.call('SREM', prefix .. 'nodes', node)
  end
end
return gone
`;
