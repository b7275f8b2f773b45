#pragma once
// The HTTP message types the router and the session exchange. Beast messages
// are plain values: the router handles them without any socket.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace cti::api {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace cti::api
