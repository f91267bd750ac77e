-- POST the body in BENCH_BODY_FILE to /api/v1/code/run/ as many learners in turn
-- (BENCH_CODE_TOKENS, comma-separated): real traffic comes from many users, and one
-- user's runs are capped by SANDBOX_MAX_CONCURRENT_PER_USER by design.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
local body = f:read("*a")
f:close()
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_CODE_TOKENS") or "", "[^,]+") do
  tokens[#tokens + 1] = t
end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local sent = 0
wrk.headers["Content-Type"] = "application/json"
function request()
  sent = sent + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[((sent + (tid or 0) * 13) % #tokens) + 1]
  return wrk.format("POST", nil, nil, body)
end
