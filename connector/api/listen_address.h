#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <expected>
#include <string>
#include <string_view>

namespace cti::api {

// "127.0.0.1:8080", "0.0.0.0:0", "[::1]:8080" -> endpoint. Host names are
// rejected: the listen address is an interface, not something to resolve.
std::expected<boost::asio::ip::tcp::endpoint, std::string> parse_listen_address(
    std::string_view text);

}  // namespace cti::api
