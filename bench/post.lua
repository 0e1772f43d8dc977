-- The request every variant receives: POST, a 1 KiB JSON body, browser-like headers, the session
-- cookie (plus an unrelated one) and an Action-Bound token. Only the path differs between variants.
-- Environment (set by run.sh): BENCH_PATH, BENCH_COOKIE, BENCH_BOUND, BENCH_LABEL.
local path = os.getenv("BENCH_PATH") or "/actions/updateNote"
local cookie = os.getenv("BENCH_COOKIE") or ""
local bound = os.getenv("BENCH_BOUND") or ""
local label = os.getenv("BENCH_LABEL") or "?"

local prefix = '{"note":"'
local suffix = '"}'
local body = prefix .. string.rep("x", 1024 - #prefix - #suffix) .. suffix
assert(#body == 1024)

wrk.method = "POST"
wrk.path = path
wrk.body = body
wrk.headers["Host"] = "app.bench"
wrk.headers["Origin"] = "http://app.bench"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "*/*"
wrk.headers["User-Agent"] = "actiongate-bench/1 (wrk)"
wrk.headers["Cookie"] = "theme=dark; ag-bench=" .. cookie
wrk.headers["Action-Bound"] = bound

-- One machine-readable line per run (run.sh parses it). Latency in microseconds.
function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH label=%s requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
      "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
      label, summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.status, e.connect, e.read, e.write, e.timeout))
end
