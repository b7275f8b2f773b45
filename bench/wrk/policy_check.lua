-- wrk script: POST /v1/policy/check with a bearer token (env CTI_TOKEN),
-- cycling over N different destinations so both the cold (libphonenumber)
-- and the cached path are exercised. Used by bench/policy_check_wrk.
local token = os.getenv("CTI_TOKEN")
local distinct = tonumber(os.getenv("CTI_DISTINCT") or "1000")
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
  i = i + 1
  local n = 600000000 + (i % distinct)
  local body = '{"agent":"ana","to":"+34' .. n .. '","purpose":"service"}'
  return wrk.format(nil, "/v1/policy/check", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s %.0f  p50 %.2f ms  p99 %.2f ms  errors %d non-2xx %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
