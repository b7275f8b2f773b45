#include "connector/api/params.h"

#include <charconv>

namespace cti::api {
namespace {
// Keep client input short in error texts (it is echoed back in the problem).
std::string quoted(std::string_view v) {
  constexpr std::size_t max = 64;
  return "'" + std::string(v.substr(0, max)) + (v.size() > max ? "...'" : "'");
}
}  // namespace

std::expected<std::size_t, std::string> parse_limit(std::optional<std::string_view> value) {
  if (!value) return default_limit;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  if (value->empty() || ec != std::errc{} || end != value->data() + value->size() || n < 1 ||
      n > max_limit)
    return std::unexpected("query parameter 'limit' must be an integer from 1 to " +
                           std::to_string(max_limit) + ", got " + quoted(*value));
  return n;
}

std::expected<std::optional<core::Timestamp>, std::string> parse_since(
    std::optional<std::string_view> value) {
  if (!value) return std::optional<core::Timestamp>{};
  if (auto t = core::parse_rfc3339(*value)) return t;
  return std::unexpected(
      "query parameter 'since' must be an RFC 3339 timestamp such as 2026-11-28T15:13:29Z, got " +
      quoted(*value));
}

std::expected<std::string_view, std::string> parse_delivery_state(
    std::optional<std::string_view> value) {
  if (!value) return std::string_view("dead");
  for (std::string_view s : {"dead", "pending", "delivered"})
    if (*value == s) return s;
  return std::unexpected("query parameter 'state' must be one of dead, pending, delivered, got " +
                         quoted(*value));
}

std::expected<std::int64_t, std::string> parse_delivery_id(std::string_view value) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || n < 1)
    return std::unexpected("path parameter 'id' must be a positive integer, got " + quoted(value));
  return n;
}

}  // namespace cti::api
