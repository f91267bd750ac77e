-- POST batches of BENCH_BATCH analytics events (fresh UUIDs) spread over the lessons in
-- BENCH_LESSON_IDS, each request as the next of the learners in BENCH_TOKENS.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

local lessons = {}
for id in string.gmatch(os.getenv("BENCH_LESSON_IDS") or "", "%d+") do
  lessons[#lessons + 1] = id
end
local course = os.getenv("BENCH_COURSE_ID") or "1"
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do
  tokens[#tokens + 1] = t
end
local sent = 0
local batch = tonumber(os.getenv("BENCH_BATCH") or "500")
wrk.headers["Content-Type"] = "application/json"

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
    local lesson = lessons[(i % #lessons) + 1]
    local kind = i % 4
    local body
    if kind == 0 then
      body = string.format('"type":"lesson_view","context":{"course_id":%s,"lesson_id":%s},"data":{"referrer":"course"}', course, lesson)
    elseif kind == 1 then
      body = string.format('"type":"video_play","context":{"lesson_id":%s},"data":{"position":%d}', lesson, i)
    elseif kind == 2 then
      body = string.format('"type":"video_seek","context":{"lesson_id":%s},"data":{"from":%d,"to":%d}', lesson, i, i + 30)
    else
      body = string.format('"type":"editor_blur","context":{"lesson_id":%s},"data":{"file":"index.html","focused_seconds":%d}', lesson, i % 600)
    end
    items[i] = string.format('{"id":"%s","timestamp":"%s",%s}', uuid(), now, body)
  end
  sent = sent + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[((sent + (tid or 0) * 7) % #tokens) + 1]
  return wrk.format("POST", nil, nil, '{"events":[' .. table.concat(items, ",") .. "]}")
end
