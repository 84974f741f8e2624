-- wrk script: counts non-2xx answers and prints one parseable result line.
--   wrk -s bench/report.lua ...   ->   WRK-RESULT requests=... rps=... p50_ms=... p99_ms=... non2xx=... errors=...
--   wrk -s bench/report.lua URL -- NONCE   ->   every request misses the page cache: it gets
--   "&bench-miss=NONCE-<thread>-<n>" (a parameter the page ignores, never the same twice).
-- Each wrk thread has its own Lua state: count per thread, add up in done().

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  non2xx = 0
  nonce = args[1]
  sent = 0
end

function request()
  if nonce == nil then
    return wrk.request()
  end
  sent = sent + 1
  local path = string.format("%s&bench-miss=%s-%d-%d", wrk.path, nonce, id, sent)
  return wrk.format(nil, path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "WRK-RESULT requests=%d duration_s=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d errors=%d bytes=%d\n",
    summary.requests,
    summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    latency.max / 1000,
    bad,
    errors,
    summary.bytes
  ))
end
