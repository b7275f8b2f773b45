#include "connector/config/env_expand.h"

namespace cti::config {
namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

std::expected<std::string, std::string> expand_env(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      out += c;
      ++i;
      continue;
    }
    if (text.substr(i, 3) == "$${") {
      out += "${";
      i += 3;
      continue;
    }
    if (text.substr(i, 2) != "${") {
      out += c;
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return std::unexpected("unterminated \"${\" (write \"$${\" for a literal \"${\")");
    }
    const std::string_view name = text.substr(i + 2, close - i - 2);
    if (!valid_name(name)) {
      // The text between the braces is not a variable name, so it is safe to
      // show only when short; it is the user's own file content anyway.
      return std::unexpected("invalid environment variable name in \"${" + std::string(name) +
                             "}\" (expected letters, digits and underscores)");
    }
    std::optional<std::string> value = env ? env(name) : std::nullopt;
    if (!value) {
      return std::unexpected("environment variable " + std::string(name) + " is not set");
    }
    out += *value;
    i = close + 1;
  }
  return out;
}

}  // namespace cti::config
