#include "connector/api/ws_session.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket.hpp>

namespace cti::api {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

std::atomic<std::uint64_t> g_dropped_slow{0};

}  // namespace

std::uint64_t WsSession::dropped_slow() { return g_dropped_slow.load(); }

WsSession::WsSession(beast::tcp_stream&& stream, std::shared_ptr<AgentHub> hub,
                     Router::WsGrant grant, WsLimits limits)
    : ws_(std::move(stream)), hub_(std::move(hub)), grant_(std::move(grant)), limits_(limits) {}

WsSession::~WsSession() = default;

void WsSession::run(Request upgrade) {
  // The HTTP session's timer must not fire on the WebSocket.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = limits_.handshake_timeout;
  timeouts.idle_timeout = limits_.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(limits_.max_incoming_bytes);
  const bool cti = grant_.cti_protocol;
  ws_.set_option(websocket::stream_base::decorator([cti](websocket::response_type& res) {
    res.set(beast::http::field::server, "cti-connector");
    // Echo only our protocol, never the bearer entry (it holds the token).
    if (cti) res.set(beast::http::field::sec_websocket_protocol, std::string(kWsProtocol));
  }));
  ws_.async_accept(upgrade, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("ws: upgrade failed: {}", ec.message());
    return;
  }
  open_ = true;
  spdlog::info("ws: agent {} ({}) connected", grant_.agent.id, grant_.agent.extension);
  auto hello = std::make_shared<const std::string>(
      hub_->attach(grant_.agent.id, grant_.agent.extension, shared_from_this()));
  // Before any pop-up the hub may already have queued through send().
  outbox_.push_front(std::move(hello));
  if (!writing_) do_write();
  do_read();
}

void WsSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec != websocket::error::closed && ec != net::error::operation_aborted)
      spdlog::debug("ws: agent {} read: {}", grant_.agent.id, ec.message());
    return finish();
  }
  buffer_.consume(buffer_.size());  // nothing to act on (see header)
  do_read();
}

void WsSession::send(std::shared_ptr<const std::string> text) {
  net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
    self->queue(std::move(text));
  });
}

void WsSession::queue(std::shared_ptr<const std::string> text) {
  if (finished_) return;
  if (outbox_.size() >= limits_.max_queued) {
    ++g_dropped_slow;
    spdlog::warn("ws: agent {} is not reading ({} messages queued): disconnecting", grant_.agent.id,
                 outbox_.size());
    // The message being written stays alive in outbox_ until this session
    // is destroyed; the write fails once the socket is closed.
    finish();
    beast::get_lowest_layer(ws_).close();
    return;
  }
  outbox_.push_back(std::move(text));
  if (open_ && !writing_) do_write();
}

void WsSession::do_write() {
  if (outbox_.empty()) return;
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(*outbox_.front()),
                  beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return finish();
  if (!outbox_.empty()) outbox_.pop_front();
  do_write();
}

void WsSession::close() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->finished_) return;
    self->finish();
    if (!self->open_) return beast::get_lowest_layer(self->ws_).close();
    self->ws_.async_close(websocket::close_code::going_away, [self](beast::error_code) {});
  });
}

void WsSession::finish() {
  if (finished_) return;
  finished_ = true;
  hub_->detach(grant_.agent.extension, this);
  if (open_) spdlog::info("ws: agent {} disconnected", grant_.agent.id);
}

}  // namespace cti::api
