#pragma once
// `${VAR}` substitution inside configuration strings.
#include <expected>
#include <string>
#include <string_view>

#include "connector/config/config.h"

namespace cti::config {

// Replaces every `${NAME}` in `text` with the value `env` gives for NAME.
// `$${` is an escaped literal `${`; any other `$` is kept as is. Substituted
// values are not scanned again, so a value containing `${` stays literal.
// The error reason names the variable but never contains any variable's value.
std::expected<std::string, std::string> expand_env(std::string_view text, const EnvLookup& env);

}  // namespace cti::config
