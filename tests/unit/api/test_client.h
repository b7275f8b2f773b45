#pragma once
// A small HTTP/1.1 client on Beast for tests. Every operation has a deadline
// (so a misbehaving server fails the test instead of hanging it) and runs on
// the client's own io_context, not the server's.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cti::api::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

using ClientResponse = http::response<http::string_body>;

class TestClient {
 public:
  static constexpr std::chrono::seconds deadline{20};

  explicit TestClient(std::uint16_t port) : stream_(ioc_) {
    stream_.expires_after(deadline);
    stream_.async_connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                          [this](beast::error_code ec) { connect_error = ec; });
    run();
  }

  beast::error_code connect_error;

  beast::error_code write_raw(const std::string& data) {
    beast::error_code result;
    stream_.expires_after(deadline);
    net::async_write(stream_, net::buffer(data),
                     [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    return result;
  }

  // Reads one response; error (e.g. end_of_stream) when none arrives.
  std::optional<ClientResponse> read(beast::error_code* error = nullptr) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    beast::error_code result;
    stream_.expires_after(deadline);
    http::async_read(stream_, buffer_, parser,
                     [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    if (error) *error = result;
    if (result) return std::nullopt;
    return parser.release();
  }

  std::optional<ClientResponse> request(http::verb method, const std::string& target,
                                        std::optional<std::string> token = std::nullopt,
                                        std::string body = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (token) req.set(http::field::authorization, "Bearer " + *token);
    if (!body.empty() || method == http::verb::post) {
      req.body() = std::move(body);
      req.prepare_payload();
    }
    beast::error_code result;
    stream_.expires_after(deadline);
    http::async_write(stream_, req, [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) return std::nullopt;
    return read();
  }

  // True when the server closes the connection (EOF or reset) before the deadline.
  bool wait_closed() {
    char byte;
    beast::error_code result;
    stream_.expires_after(deadline);
    stream_.async_read_some(net::buffer(&byte, 1),
                            [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    return result && result != beast::error::timeout;
  }

 private:
  void run() {
    ioc_.restart();
    ioc_.run();
  }

  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

inline std::optional<ClientResponse> fetch(std::uint16_t port, http::verb method,
                                           const std::string& target,
                                           std::optional<std::string> token = std::nullopt,
                                           std::string body = {}) {
  TestClient client(port);
  if (client.connect_error) return std::nullopt;
  return client.request(method, target, std::move(token), std::move(body));
}

}  // namespace cti::api::test
