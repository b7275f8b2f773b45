#pragma once
// One HTTP/1.1 connection (Beast example style: do_read -> on_read ->
// do_write -> on_write -> do_read ...). All its handlers run on the socket's
// own strand. Keep-alive, idle timeout, body/header limits (413/431), and a
// lingering close after an error so the client reads the problem response
// instead of a connection reset.
//
// WebSocket (/v1/ws): when the parsed request is an upgrade, the stream is
// moved into a WsSession instead of routed.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "connector/api/http_types.h"
#include "connector/api/problem.h"
#include "connector/api/session_context.h"

namespace cti::api {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<const SessionContext> ctx);
  ~HttpSession();

  void run(std::uint64_t registry_id);  // starts reading on the session's strand
  void close();                         // thread-safe; ends the session

 private:
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // Hands the connection to a WsSession (or answers why not).
  void upgrade(Request req);
  // Answers a request the router never saw (limits, malformed HTTP) and closes.
  void reject(Problem p, std::string_view detail);
  void do_write(Response res, std::string_view route);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  // Lingering close: stop sending, then read and discard what the client is
  // still sending (bounded in bytes and time) before closing the socket.
  void do_linger();
  void on_linger(boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<const SessionContext> ctx_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<Response> res_;
  std::uint64_t registry_id_ = 0;

  // The request in flight, for the access log and metrics (path has no query).
  std::string method_, path_;
  std::string_view route_;
  std::chrono::steady_clock::time_point started_;

  std::array<char, 16 * 1024> linger_buf_{};
  std::size_t lingered_ = 0;
};

}  // namespace cti::api
