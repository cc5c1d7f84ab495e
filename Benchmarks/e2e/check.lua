-- wrk script: an nginx auth_request style POST /check carrying the original request
-- (X-Original-Method/-URI), the client's key and its small JSON body. Used against modelgate
-- and, unchanged, against nginx's `return 200` as the ceiling.
-- BENCH_KEY is the virtual key, BENCH_BODY the body file; prints one RESULT line for
-- scripts/bench to parse.
local key = os.getenv("BENCH_KEY") or "sk-missing"
local file = assert(io.open(os.getenv("BENCH_BODY") or "check_body.json", "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["X-Original-Method"] = "POST"
wrk.headers["X-Original-URI"] = "/v1/chat/completions"
wrk.headers["X-Original-Content-Length"] = tostring(#wrk.body)
wrk.headers["User-Agent"] = "OpenAI/Python 1.99.1"

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99)))
end
