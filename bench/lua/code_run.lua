-- POST the body in BENCH_BODY_FILE to /api/v1/code/run/ as many learners in turn
-- (BENCH_CODE_TOKENS, comma-separated): real traffic comes from many users, and one
-- user's runs are capped by SANDBOX_MAX_CONCURRENT_PER_USER by design.
--
-- BENCH_CODE_RATE > 0 paces the load at that many requests/s in all (split over wrk's
-- threads): each finished request claims the next slot of a fixed schedule and waits
-- for it. A server slower than the rate falls behind the schedule; slots more than a
-- second late are dropped, so the achieved rate in the table shows the miss (latency
-- is measured from the actual send, as wrk always does).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } mrict_timespec;
  int clock_gettime(int clk_id, mrict_timespec *tp);
]]
local ts = ffi.new("mrict_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
local body = f:read("*a")
f:close()
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_CODE_TOKENS") or "", "[^,]+") do
  tokens[#tokens + 1] = t
end
local rate = tonumber(os.getenv("BENCH_CODE_RATE") or "0") or 0
local nthreads = tonumber(os.getenv("BENCH_CODE_THREADS") or "2") or 2
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local sent = 0
local next_slot = nil
wrk.headers["Content-Type"] = "application/json"
function request()
  sent = sent + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[((sent + (tid or 0) * 13) % #tokens) + 1]
  return wrk.format("POST", nil, nil, body)
end
if rate > 0 then
  local interval = 1000 * nthreads / rate -- ms between this thread's sends
  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now - 1000 then
      next_slot = now
    end
    local slot = next_slot
    next_slot = next_slot + interval
    return math.max(0, math.floor(slot - now))
  end
end
