#pragma once
// Small helpers shared by the standalone tools.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace cti::tools {

struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};

// "127.0.0.1:15038" (port 0 = any free port).
inline std::optional<ListenAddress> parse_listen(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  unsigned port = 0;
  auto digits = text.substr(colon + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || p != digits.data() + digits.size() || port > 65535) return std::nullopt;
  return ListenAddress{std::string(text.substr(0, colon)), static_cast<unsigned short>(port)};
}

// Written through a temporary file and rename() so a reader polling for the
// file never sees it half written.
inline bool write_port_file(const std::string& path, unsigned short port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << port << "\n";
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace cti::tools
