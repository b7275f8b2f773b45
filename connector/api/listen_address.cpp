#include "connector/api/listen_address.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace cti::api {

std::expected<boost::asio::ip::tcp::endpoint, std::string> parse_listen_address(
    std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return std::unexpected("listen address '" + std::string(text) + "': " + std::string(why));
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected host:port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos)
    return bad("IPv6 addresses must be written in brackets, e.g. [::1]:8080");
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 65535)
    return bad("port must be a number from 0 to 65535");
  boost::system::error_code aec;
  const auto address = boost::asio::ip::make_address(std::string(host), aec);
  if (aec) return bad("host must be an IP address");
  return boost::asio::ip::tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace cti::api
