-- POST batches of BENCH_BATCH progress events with fresh UUIDs, spread over the
-- lessons in BENCH_LESSON_IDS (comma-separated).
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

local lessons = {}
for id in string.gmatch(os.getenv("BENCH_LESSON_IDS") or "", "%d+") do
  lessons[#lessons + 1] = id
end
-- Many learners, as in real traffic: each request goes out as the next one's token
-- (one learner's batches are serialised by design: see progress_events_ingest).
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do
  tokens[#tokens + 1] = t
end
local sent = 0
local batch = tonumber(os.getenv("BENCH_BATCH") or "100")
wrk.headers["Content-Type"] = "application/json"
local types = { "lesson_viewed", "lesson_started", "lesson_viewed", "lesson_viewed" }

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  local now = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 5)
  local items = {}
  for i = 1, batch do
    items[i] = string.format(
      '{"event_id":"%s","type":"%s","lesson_id":%s,"occurred_at":"%s","position":%d}',
      uuid(), types[(i % #types) + 1], lessons[(i % #lessons) + 1], now, i)
  end
  sent = sent + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[((sent + (tid or 0) * 7) % #tokens) + 1]
  return wrk.format("POST", nil, nil, "[" .. table.concat(items, ",") .. "]")
end
