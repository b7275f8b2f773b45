#pragma once
// Splitting a request target into a decoded path and query parameters. Pure.
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cti::api {

// "%41" -> "A". '+' stays '+' (RFC 3986, not form encoding): an RFC 3339
// offset such as "+02:00" survives unencoded. Error on a malformed escape.
std::expected<std::string, std::string> percent_decode(std::string_view text);

// The path part of a target (before '?'), undecoded; safe to log.
std::string_view target_path(std::string_view target);

struct Query {
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in order
  // The first value of a parameter, if present.
  std::optional<std::string_view> get(std::string_view name) const;
};

// Parses the part after '?' (empty when there is none).
std::expected<Query, std::string> parse_query(std::string_view target);

// "/v1/calls/abc" -> {"v1","calls","abc"}, each segment decoded.
// The root "/" gives one empty segment; a trailing '/' gives a final empty one.
std::expected<std::vector<std::string>, std::string> path_segments(std::string_view path);

}  // namespace cti::api
