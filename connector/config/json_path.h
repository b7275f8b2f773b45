#pragma once
// Paths of values inside the config file, in the "$.pbx[0].port" notation the
// error messages use.
#include <cstddef>
#include <string>
#include <string_view>

namespace cti::config {

// "$.pbx" + "name" → "$.pbx.name"; keys that are not plain identifiers are
// quoted: "$.pbx" + "a b" → "$.pbx[\"a b\"]".
std::string key_path(std::string_view parent, std::string_view key);
// "$.pbx" + 2 → "$.pbx[2]"
std::string index_path(std::string_view parent, std::size_t index);

}  // namespace cti::config
