-- POST batches of BENCH_BATCH progress events with fresh UUIDs, spread over the
-- lessons in BENCH_LESSON_IDS (comma-separated).
-- include: batch_common.lua
local batch = tonumber(os.getenv("BENCH_BATCH") or "100")
local types = { "lesson_viewed", "lesson_started", "lesson_viewed", "lesson_viewed" }

function request()
  local now = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 5)
  local items = {}
  for i = 1, batch do
    items[i] = string.format(
      '{"event_id":"%s","type":"%s","lesson_id":%s,"occurred_at":"%s","position":%d}',
      uuid(), types[(i % #types) + 1], lessons[(i % #lessons) + 1], now, i)
  end
  as_next_learner()
  return wrk.format("POST", nil, nil, "[" .. table.concat(items, ",") .. "]")
end
