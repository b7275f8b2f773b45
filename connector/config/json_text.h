#pragma once
// Strict JSON text → nlohmann::json, with errors fit for a config file:
// line and column of a syntax error (without echoing the offending text, which
// may be a secret) and rejection of duplicate keys, which nlohmann would
// otherwise resolve silently by keeping the last one.
#include <expected>
#include <nlohmann/json.hpp>
#include <string_view>

#include "connector/config/config.h"

namespace cti::config {

std::expected<nlohmann::json, ConfigError> parse_json_text(std::string_view text);

}  // namespace cti::config
