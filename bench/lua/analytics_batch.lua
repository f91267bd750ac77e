-- POST batches of BENCH_BATCH analytics events (fresh UUIDs) spread over the lessons in
-- BENCH_LESSON_IDS, each request as the next of the learners in BENCH_TOKENS.
-- include: batch_common.lua
local course = os.getenv("BENCH_COURSE_ID") or "1"
local batch = tonumber(os.getenv("BENCH_BATCH") or "500")

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
  as_next_learner()
  return wrk.format("POST", nil, nil, '{"events":[' .. table.concat(items, ",") .. "]}")
end
