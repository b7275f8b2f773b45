#include "connector/config/json_path.h"

#include <nlohmann/json.hpp>

namespace cti::config {
namespace {

bool is_identifier(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string key_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (is_identifier(key)) {
    out += '.';
    out += key;
  } else {
    // Keys come from parsed JSON, so they are valid UTF-8 and dump cannot throw.
    out += '[';
    out += nlohmann::json(std::string(key)).dump();
    out += ']';
  }
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

}  // namespace cti::config
