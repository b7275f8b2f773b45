#pragma once
// Validation of query and path parameters. Each error text names the
// parameter so the 400 problem tells the client what to fix. Pure.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "connector/core/time.h"

namespace cti::api {

inline constexpr std::size_t default_limit = 100;
inline constexpr std::size_t max_limit = 1000;

// Absent -> default_limit; otherwise a decimal integer in [1, max_limit].
std::expected<std::size_t, std::string> parse_limit(std::optional<std::string_view> value);
// Absent -> nullopt; otherwise an RFC 3339 timestamp.
std::expected<std::optional<core::Timestamp>, std::string> parse_since(
    std::optional<std::string_view> value);
// Absent -> "dead"; otherwise one of dead|pending|delivered.
std::expected<std::string_view, std::string> parse_delivery_state(
    std::optional<std::string_view> value);
// A positive decimal delivery id.
std::expected<std::int64_t, std::string> parse_delivery_id(std::string_view value);

}  // namespace cti::api
