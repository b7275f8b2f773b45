#include "connector/api/target.h"

#include "connector/common/hex.h"

namespace cti::api {
using common::hex_digit_value;

std::expected<std::string, std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::unexpected("truncated percent escape");
    const int hi = hex_digit_value(text[i + 1]), lo = hex_digit_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::unexpected("malformed percent escape");
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

std::optional<std::string_view> Query::get(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::expected<Query, std::string> parse_query(std::string_view target) {
  Query q;
  const auto mark = target.find('?');
  if (mark == std::string_view::npos) return q;
  std::string_view rest = target.substr(mark + 1);
  // A fragment never reaches a server, but ignore one rather than fold it into a value.
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key) return std::unexpected(key.error());
    if (!value) return std::unexpected(value.error() + " in parameter '" + *key + "'");
    q.params.emplace_back(std::move(*key), std::move(*value));
  }
  return q;
}

std::expected<std::vector<std::string>, std::string> path_segments(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::unexpected("path must start with '/'");
  std::vector<std::string> out;
  std::string_view rest = path.substr(1);
  while (true) {
    const auto slash = rest.find('/');
    auto seg = percent_decode(rest.substr(0, slash));
    if (!seg) return std::unexpected(seg.error());
    out.push_back(std::move(*seg));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return out;
}

}  // namespace cti::api
