-- Shared by the batch scripts (run.py prepends it to a script with the line
-- "-- include: batch_common.lua"): thread ids, the lessons in BENCH_LESSON_IDS, fresh
-- UUIDs, and the learners' tokens in BENCH_TOKENS, each request as the next learner's
-- (many learners, as in real traffic; one learner's batches may be serialised by design).
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

lessons = {}
for id in string.gmatch(os.getenv("BENCH_LESSON_IDS") or "", "%d+") do
  lessons[#lessons + 1] = id
end
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do
  tokens[#tokens + 1] = t
end
local sent = 0
wrk.headers["Content-Type"] = "application/json"

function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

-- The next learner's bearer token, set on the request's headers.
function as_next_learner()
  sent = sent + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[((sent + (tid or 0) * 7) % #tokens) + 1]
end
