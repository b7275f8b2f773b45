#pragma once
// A WebSocket client for the e2e tests (Boost.Beast, synchronous, on its own
// thread): connects to /v1/ws, collects every text message, answers pings.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cti::e2e {

inline std::string base64url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : in) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(kAlphabet[(bits >> count) & 63]);
    }
  }
  if (count > 0) out.push_back(kAlphabet[(bits << (6 - count)) & 63]);
  return out;
}

class WsClient {
 public:
  // `protocols`: the Sec-WebSocket-Protocol header; `authorization`: the
  // Authorization header; either may be empty. Throws on a failed handshake
  // (the exception text carries the HTTP status).
  WsClient(unsigned short port, const std::string& target, const std::string& protocols,
           const std::string& authorization = {})
      : ws_(ioc_) {
    namespace net = boost::asio;
    namespace websocket = boost::beast::websocket;
    net::ip::tcp::resolver resolver(ioc_);
    net::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws_.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
      if (!protocols.empty()) req.set(boost::beast::http::field::sec_websocket_protocol, protocols);
      if (!authorization.empty()) req.set(boost::beast::http::field::authorization, authorization);
    }));
    ws_.handshake(response_, "127.0.0.1:" + std::to_string(port), target);
    reader_ = std::thread([this] { read_all(); });
  }
  ~WsClient() {
    boost::system::error_code ec;
    ws_.next_layer().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    ws_.next_layer().close(ec);
    if (reader_.joinable()) reader_.join();
  }
  std::string accepted_protocol() const {
    return std::string(response_[boost::beast::http::field::sec_websocket_protocol]);
  }
  std::vector<nlohmann::json> messages() const {
    std::lock_guard lk(mu_);
    return messages_;
  }
  bool closed() const {
    std::lock_guard lk(mu_);
    return closed_;
  }

 private:
  void read_all() {
    for (;;) {
      boost::beast::flat_buffer buffer;
      boost::system::error_code ec;
      ws_.read(buffer, ec);
      std::lock_guard lk(mu_);
      if (ec) {
        closed_ = true;
        return;
      }
      messages_.push_back(
          nlohmann::json::parse(boost::beast::buffers_to_string(buffer.data()), nullptr, false));
    }
  }

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::websocket::response_type response_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::vector<nlohmann::json> messages_;
  bool closed_ = false;
};

}  // namespace cti::e2e
