/**
 * The Lua scripts of the Redis store. Each runs atomically on the server, so a check and its count
 * are one step however many instances share the server. Times are ms on the caller's clock, passed in
 * as strings (never Redis TIME: one clock per instance is good enough for windows of a minute or more,
 * and tests inject theirs); replies carry numbers the caller must read exactly as strings.
 */

/** Sends one raw command, bounded; rejects when Redis cannot answer. */
export type SendCommand = (command: string, args: string[]) => Promise<unknown>

export interface RedisScript {
  source: string
  sha: string
}

function script(source: string): RedisScript {
  return { source, sha: new Bun.CryptoHasher('sha1').update(source).digest('hex') }
}

/** EVALSHA, and EVAL once when the server does not know the script yet (first use, or after a restart). */
export async function runScript(send: SendCommand, { source, sha }: RedisScript, keys: string[], args: string[]): Promise<unknown> {
  try {
    return await send('EVALSHA', [sha, String(keys.length), ...keys, ...args])
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error
    return send('EVAL', [source, String(keys.length), ...keys, ...args])
  }
}

/**
 * Checks a sorted set of times (score = ms) against its windows and, when every one has room, counts
 * this time. KEYS[1]: the times; KEYS[2] (attempts only): the backend's cooldown deadline.
 * ARGV: now, member, trim bound (times at or before it can never count again), ttl ms, then for each
 * window with a limit: its index in WINDOWS, limit, and "(now - windowMs" (a window counts what is after it).
 * Reply: {1} admitted; or {0, cooldown deadline or "", n, n × (window index, count, score of the
 * limit-th newest time or "" for limit 0), every kept time…} refused, so the caller refreshes its snapshot.
 */
export const RESERVE = script(`
local now = tonumber(ARGV[1])
local cooldown = ''
if #KEYS > 1 then
  local untilMs = redis.call('GET', KEYS[2])
  if untilMs and tonumber(untilMs) > now then cooldown = untilMs end
end
local full = {}
for i = 5, #ARGV, 3 do
  local limit = tonumber(ARGV[i + 1])
  local count = redis.call('ZCOUNT', KEYS[1], ARGV[i + 2], '+inf')
  if count >= limit then
    local freeing = ''
    if limit > 0 then freeing = redis.call('ZREVRANGE', KEYS[1], limit - 1, limit - 1, 'WITHSCORES')[2] end
    table.insert(full, ARGV[i])
    table.insert(full, count)
    table.insert(full, freeing)
  end
end
if cooldown == '' and #full == 0 then
  if #ARGV >= 5 then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
  end
  return {1}
end
local reply = {0, cooldown, #full / 3}
for _, value in ipairs(full) do table.insert(reply, value) end
local kept = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 2, #kept, 2 do table.insert(reply, kept[i]) end
return reply
`)

/** Counts a time without checking (an attempt admitted on local state while Redis was away). ARGV: time, member, trim bound, ttl ms. */
export const RECORD = script(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

/** Sets a cooldown deadline unless a later one is already set. ARGV: deadline, ttl ms. Reply: the deadline now in force. */
export const SET_COOLDOWN = script(`
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`)

/** Adds a cost to a client's day and month totals. KEYS: day, month. ARGV: USD, day ttl ms, month ttl ms. Reply: both new totals. */
export const SETTLE_SPEND = script(`
local day = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local month = redis.call('INCRBYFLOAT', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {day, month}
`)

/**
 * Appends request records to the log stream with ids "<ms>-<seq>", ms = max(record time, newest id), so
 * ids never go backwards and a record's id is never before its time: XRANGE from a moment finds every
 * record since then. ARGV: approximate max length, then pairs of time ms and JSON.
 */
export const APPEND_REQUESTS = script(`
local lastText = '0'
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if top then lastText = string.match(top[1], '^(%d+)') end
local last = tonumber(lastText)
for i = 2, #ARGV, 2 do
  if tonumber(ARGV[i]) > last then
    lastText = ARGV[i]
    last = tonumber(lastText)
  end
  local id = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], lastText .. '-*', 'r', ARGV[i + 1])
  if type(id) == 'table' and id.err then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'r', ARGV[i + 1])
  end
end
return #ARGV / 2
`)
