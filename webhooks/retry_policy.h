#pragma once
// Pure retry decisions: what a response status means, how long to wait.
#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "connector/core/time.h"

namespace cti::webhooks {

enum class Outcome { Delivered, Retry, Dead };

// 2xx delivered; network error (0), 408, 429 and 5xx are worth retrying (the
// receiver may recover); any other status is a permanent rejection.
Outcome classify(int status);

// Capped exponential ceiling after `attempts` failed attempts (>= 1):
// min(max, initial * 2^(attempts-1)).
std::chrono::milliseconds backoff_ceiling(int attempts, std::chrono::milliseconds initial,
                                          std::chrono::milliseconds max);

// "Full jitter": uniform in [0, ceiling], so receivers recovering from an
// outage are not hit by every sender at the same instant.
std::chrono::milliseconds full_jitter(std::chrono::milliseconds ceiling, std::mt19937_64& rng);

// Retry-After as delay-seconds ("120") or HTTP-date ("Sun, 06 Nov 1994
// 08:49:37 GMT"); a date in the past is a zero delay. nullopt if unparsable.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, core::Timestamp now);

}  // namespace cti::webhooks
