#pragma once
// Reading CRM answers, shared by every adapter: which statuses are worth a
// retry, and how long the CRM asked us to wait.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/adapter.h"

namespace cti::adapters {

// Case-insensitive header lookup.
std::optional<std::string> header(const core::HttpResponse& response, std::string_view name);

// Network error (0), 408, 425, 429 and 5xx: the CRM may recover.
bool is_retryable(int status);

// How long the CRM asked us to wait, in seconds, from `Retry-After`
// (delay-seconds), `X-RateLimit-Reset` / `X-HubSpot-RateLimit-Interval-Milliseconds`
// style headers (Pipedrive, Zoho); 0 when it gave no hint.
std::chrono::seconds retry_hint(const core::HttpResponse& response);

// The usual reading of an answer to `what` ("call log", "lookup"): 2xx ->
// Done, retryable -> Retry (with the CRM's hint), else Fail with the status
// and the start of the body.
Step classify_answer(const core::HttpResponse& response, std::string_view what);

// "HTTP 400: <the CRM's message> (<its code>)" when the body is a JSON error
// of a known shape, else "HTTP 400: <first 200 bytes of the body>"; what
// dead letters, logs and the panel's refusals show.
std::string describe_answer(const core::HttpResponse& response);

}  // namespace cti::adapters
