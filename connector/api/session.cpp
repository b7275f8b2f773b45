#include "connector/api/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <limits>

#include "connector/api/request_metrics.h"
#include "connector/api/target.h"
#include "connector/api/ws_session.h"

namespace cti::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Lingering close bounds: enough to swallow a rejected upload of a few MB so
// the client sees the 413, small enough that a hostile client cannot hold
// the connection.
constexpr std::size_t linger_max_bytes = 8 << 20;
constexpr std::chrono::seconds linger_max_time{5};

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_target).category();
}

}  // namespace

HttpSession::HttpSession(tcp::socket&& socket, std::shared_ptr<const SessionContext> ctx)
    : stream_(std::move(socket)), ctx_(std::move(ctx)) {}

HttpSession::~HttpSession() {
  if (registry_id_ != 0) ctx_->connections->remove(registry_id_);
}

void HttpSession::run(std::uint64_t registry_id) {
  registry_id_ = registry_id;
  // The socket was accepted onto its own strand; start there.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->do_close(); });
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(ctx_->max_body_bytes);
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(ctx_->max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  stream_.expires_after(ctx_->idle_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  started_ = std::chrono::steady_clock::now();
  method_ = "-";
  path_ = "-";
  route_ = unmatched_route;
  // The parser stores the request line as soon as it has read it, so even a
  // request rejected for its headers or body can be named in logs.
  if (const auto& req = parser_->get(); !req.target().empty()) {
    method_ = std::string(req.method_string());
    path_ = std::string(target_path(std::string_view(req.target().data(), req.target().size())));
  }

  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted)
    return do_close();  // client done, idle, or server stopping
  if (ec == http::error::body_limit)
    return reject(Problem::PayloadTooLarge,
                  "request body exceeds " + std::to_string(ctx_->max_body_bytes) + " bytes");
  if (ec == http::error::header_limit)
    return reject(Problem::HeadersTooLarge, "request line and headers exceed " +
                                                std::to_string(ctx_->max_header_bytes) + " bytes");
  if (ec == http::error::partial_message) return do_close();  // peer went away mid-request
  if (ec && is_http_parse_error(ec)) return reject(Problem::BadRequest, "malformed HTTP request");
  if (ec) {
    spdlog::debug("api: connection read error: {}", ec.message());
    return do_close();
  }

  Request req = parser_->release();
  if (beast::websocket::is_upgrade(req)) return upgrade(std::move(req));
  Router::Result result;
  try {
    result = ctx_->router.handle(req);
  } catch (const std::exception& e) {  // the router catches handler errors; this is the backstop
    spdlog::error("api: router failed: {}", e.what());
    result = {
        make_problem(Problem::Internal, "the request could not be completed", path_, req.version()),
        unmatched_route};
  }
  result.response.keep_alive(req.keep_alive());
  do_write(std::move(result.response), result.route);
}

void HttpSession::upgrade(Request req) {
  static constexpr std::string_view route = "/v1/ws";
  auto refuse = [&](Response res) {
    res.keep_alive(false);
    do_write(std::move(res), route);
  };
  if (!ctx_->hub)
    return refuse(make_problem(Problem::NotFound, "no such resource", path_, req.version()));
  auto grant = ctx_->router.authorize_ws(req);
  if (!grant) return refuse(std::move(grant.error()));
  if (ctx_->hub->sessions() >= ctx_->ws_limits.max_sessions) {
    auto res =
        make_problem(Problem::ServiceUnavailable, "too many panel sessions", path_, req.version());
    res.set(http::field::retry_after, "5");
    return refuse(std::move(res));
  }
  record_request(route, 101);
  std::make_shared<WsSession>(std::move(stream_), ctx_->hub, std::move(*grant), ctx_->ws_limits)
      ->run(std::move(req));
  // This HttpSession ends here; the WebSocket owns the connection now.
}

void HttpSession::reject(Problem p, std::string_view detail) {
  // The rest of the request is unread, so the connection cannot be reused.
  auto res = make_problem(p, detail, path_ == "-" ? std::string_view{} : path_);
  res.keep_alive(false);
  do_write(std::move(res), unmatched_route);
}

void HttpSession::do_write(Response res, std::string_view route) {
  route_ = route;
  res_ = std::move(res);
  record_request(route_, res_->result_int());
  const bool close = res_->need_eof();
  stream_.expires_after(ctx_->idle_timeout);
  http::async_write(stream_, *res_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), close));
}

void HttpSession::on_write(bool close, beast::error_code ec, std::size_t) {
  const auto elapsed = std::chrono::steady_clock::now() - started_;
  const unsigned status = res_ ? res_->result_int() : 0;
  record_request_duration(route_, elapsed);
  spdlog::debug("api: {} {} -> {} in {:.3f} ms{}", method_, path_, status,
                std::chrono::duration<double, std::milli>(elapsed).count(),
                ec ? " (write failed: " + ec.message() + ")" : std::string{});
  res_.reset();
  if (ec) return do_close();
  if (close) return do_linger();
  do_read();
}

void HttpSession::do_linger() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return do_close();
  lingered_ = 0;
  stream_.expires_after(std::min<std::chrono::seconds>(linger_max_time, ctx_->idle_timeout));
  stream_.async_read_some(net::buffer(linger_buf_),
                          beast::bind_front_handler(&HttpSession::on_linger, shared_from_this()));
}

void HttpSession::on_linger(beast::error_code ec, std::size_t bytes) {
  lingered_ += bytes;
  if (ec || lingered_ > linger_max_bytes) return do_close();
  // The deadline set in do_linger still bounds the whole linger.
  stream_.async_read_some(net::buffer(linger_buf_),
                          beast::bind_front_handler(&HttpSession::on_linger, shared_from_this()));
}

void HttpSession::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace cti::api
