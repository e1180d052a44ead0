-- wrk script of bench/http.sh: sends one fixed request (POST with a JSON body) and checks
-- every response against the expected body, byte for byte.
--
--   BENCH_REQUEST=req.json BENCH_EXPECTED=expected.json BENCH_OUT=run.json \
--     wrk -t1 -c32 -d10s -s bench/http.lua http://127.0.0.1:18081/graphql
--
-- BENCH_REQUEST: the request body. BENCH_EXPECTED: the exact response body (checked beforehand
-- by bench/http_check.py, which also checks its meaning: the entity's name, the number of
-- entities, no `errors`). BENCH_OUT: where done() writes the figures as JSON.
--
-- The request is set at the top level and `request` is not overridden, so wrk keeps its fast
-- path (the request is formatted once per thread); defining `response` makes wrk hand over
-- each body, which costs the client a little on every endpoint alike, the ceiling included.

local function slurp(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
  local s = f:read("*a")
  f:close()
  return s
end

wrk.method = "POST"
wrk.body = slurp(os.getenv("BENCH_REQUEST"))
wrk.headers["Content-Type"] = "application/json"
expected = slurp(os.getenv("BENCH_EXPECTED"))

-- Per thread (each wrk thread has its own Lua state); summed in done().
checked = 0
mismatches = 0
non_200 = 0
first_bad = ""

function response(status, headers, body)
  checked = checked + 1
  if status ~= 200 then
    non_200 = non_200 + 1
    if first_bad == "" then first_bad = "status " .. status .. ": " .. string.sub(body or "", 1, 300) end
  elseif body ~= expected then
    mismatches = mismatches + 1
    if first_bad == "" then first_bad = string.sub(body or "", 1, 300) end
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function json_string(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local c, m, n, bad = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    c = c + t:get("checked")
    m = m + t:get("mismatches")
    n = n + t:get("non_200")
    if bad == "" then bad = t:get("first_bad") end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local out = string.format(
    '{"requests":%d,"seconds":%.6f,"rps":%.1f,"bytes":%d,' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"min":%d,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"checked":%d,"mismatches":%d,"non_200":%d,"first_bad":%s}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    latency.mean, latency.stdev, latency.min, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    e.connect, e.read, e.write, e.status, e.timeout,
    c, m, n, json_string(bad))
  local f = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  f:write(out)
  f:close()
end
