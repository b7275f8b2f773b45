#include "connector/pbx/ami/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "connector/core/pbx_event.h"
#include "connector/pbx/ami/md5.h"

namespace cti::pbx::ami {

namespace asio = boost::asio;
using boost::system::error_code;

std::string_view to_string(SessionState state) {
  switch (state) {
    case SessionState::Connecting:
      return "connecting";
    case SessionState::LoggingIn:
      return "logging_in";
    case SessionState::Up:
      return "up";
    case SessionState::Disconnected:
      return "disconnected";
    case SessionState::Stopped:
      return "stopped";
  }
  return "unknown";
}

namespace {

std::uint64_t seed_for(const SessionConfig& c) {
  // Different sessions (and restarts) draw different jitter.
  return std::hash<std::string>{}(c.name + c.host) ^
         static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

bool is_success(const OwnedFrame& f) { return ascii_iequals(f.get("Response"), "Success"); }

}  // namespace

Session::Session(asio::io_context& ioc, SessionConfig config, SessionCallbacks callbacks,
                 const core::Clock& clock)
    : ioc_(ioc),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      resolver_(ioc),
      socket_(ioc),
      connect_timer_(ioc),
      backoff_timer_(ioc),
      ping_timer_(ioc),
      stop_timer_(ioc),
      parser_(config_.limits),
      backoff_(config_.backoff_initial, config_.backoff_max, seed_for(config_)),
      read_buf_(64 * 1024) {}

Session::~Session() = default;

void Session::start() {
  asio::post(ioc_, [self = shared_from_this()] {
    if (self->started_ || self->stopping_) return;
    self->started_ = true;
    self->do_connect();
  });
}

void Session::stop(std::function<void()> done) {
  asio::post(ioc_, [self = shared_from_this(), done = std::move(done)]() mutable {
    if (self->stopped_) {
      if (done) done();
      return;
    }
    self->stop_done_ = std::move(done);
    if (self->stopping_) return;
    self->stopping_ = true;
    self->backoff_timer_.cancel();
    self->ping_timer_.cancel();
    if (self->state_ != SessionState::Up) {
      self->finish_stop();
      return;
    }
    // Say goodbye so Asterisk logs a clean logoff, but never wait long for it.
    std::weak_ptr<Session> weak = self;
    self->send_internal({{"Action", "Logoff"}}, [weak](std::expected<OwnedFrame, std::string>) {
      if (auto s = weak.lock()) s->finish_stop();
    });
    self->stop_timer_.expires_after(
        std::min(self->config_.action_timeout, std::chrono::milliseconds{2000}));
    self->stop_timer_.async_wait([weak](const error_code& ec) {
      if (ec) return;
      if (auto s = weak.lock()) s->finish_stop();
    });
  });
}

void Session::send_action(std::vector<std::pair<std::string, std::string>> headers,
                          ActionCallback cb) {
  asio::post(ioc_, [self = shared_from_this(), headers = std::move(headers),
                    cb = std::move(cb)]() mutable {
    if (self->state_ != SessionState::Up || self->stopping_) {
      if (cb) cb(std::unexpected(std::string{"not connected"}));
      return;
    }
    self->send_internal(std::move(headers), std::move(cb));
  });
}

// --- connection ------------------------------------------------------------

void Session::do_connect() {
  if (stopping_) return;
  const std::uint64_t gen = ++gen_;
  parser_.reset();
  ping_outstanding_ = false;
  set_state(SessionState::Connecting, "");
  connect_timer_.expires_after(config_.connect_timeout);
  connect_timer_.async_wait([self = shared_from_this(), gen](const error_code& ec) {
    if (ec || gen != self->gen_) return;
    if (self->state_ == SessionState::Connecting) self->fail("connect timeout");
  });
  resolver_.async_resolve(
      config_.host, std::to_string(config_.port),
      [self = shared_from_this(), gen](const error_code& ec, tcp::resolver::results_type results) {
        self->on_resolve(gen, ec, std::move(results));
      });
}

void Session::on_resolve(std::uint64_t gen, const error_code& ec,
                         tcp::resolver::results_type results) {
  if (gen != gen_) return;
  if (ec) return fail("resolve failed: " + ec.message());
  asio::async_connect(socket_, results,
                      [self = shared_from_this(), gen](const error_code& ec, const tcp::endpoint&) {
                        self->on_connect(gen, ec);
                      });
}

void Session::on_connect(std::uint64_t gen, const error_code& ec) {
  if (gen != gen_) return;
  if (ec) return fail("connect failed: " + ec.message());
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  socket_.set_option(asio::socket_base::keep_alive(true), ignored);
  do_read();  // the banner comes first
}

void Session::do_read() {
  socket_.async_read_some(asio::buffer(read_buf_),
                          [self = shared_from_this(), gen = gen_](
                              const error_code& ec, std::size_t n) { self->on_read(gen, ec, n); });
}

void Session::on_read(std::uint64_t gen, const error_code& ec, std::size_t n) {
  if (gen != gen_) return;
  if (ec) {
    return fail(ec == asio::error::eof ? std::string{"connection closed by peer"}
                                       : "read failed: " + ec.message());
  }
  const core::Timestamp arrival = clock_.now();
  parser_.feed({read_buf_.data(), n}, [&](const Frame& f) {
    if (gen == gen_) on_frame(f, arrival);
  });
  if (gen != gen_) return;  // a frame handler dropped the connection
  if (state_ == SessionState::Connecting && parser_.banner()) {
    connect_timer_.cancel();
    set_state(SessionState::LoggingIn, "");
    do_login();
  }
  do_read();
}

void Session::on_frame(const Frame& frame, core::Timestamp arrival) {
  if (frame.event().empty() && !frame.response().empty()) {
    if (auto it = pending_.find(frame.action_id()); it != pending_.end()) {
      Pending p = std::move(it->second);
      pending_.erase(it);
      if (p.timer) p.timer->cancel();
      if (p.cb) p.cb(to_owned(frame));
      return;
    }
  }
  if (callbacks_.on_frame) callbacks_.on_frame(frame, arrival);
}

// --- login -----------------------------------------------------------------

void Session::do_login() {
  if (!config_.md5_login) return send_login({});
  std::weak_ptr<Session> weak = shared_from_this();
  send_internal({{"Action", "Challenge"}, {"AuthType", "MD5"}},
                [weak, gen = gen_](std::expected<OwnedFrame, std::string> r) {
                  auto s = weak.lock();
                  if (s && gen == s->gen_) s->on_challenge(std::move(r));
                });
}

void Session::on_challenge(std::expected<OwnedFrame, std::string> reply) {
  if (!reply) return fail("challenge: " + reply.error());
  const std::string challenge = reply->get("Challenge");
  if (!is_success(*reply) || challenge.empty()) return fail("challenge refused");
  send_login(md5_hex(challenge + config_.secret));
}

void Session::send_login(const std::string& key) {
  std::vector<std::pair<std::string, std::string>> h{{"Action", "Login"},
                                                     {"Username", config_.username}};
  if (config_.md5_login) {
    h.emplace_back("AuthType", "MD5");
    h.emplace_back("Key", key);
  } else {
    h.emplace_back("Secret", config_.secret);
  }
  std::weak_ptr<Session> weak = shared_from_this();
  send_internal(std::move(h), [weak, gen = gen_](std::expected<OwnedFrame, std::string> r) {
    auto s = weak.lock();
    if (s && gen == s->gen_) s->on_login(std::move(r));
  });
}

void Session::on_login(std::expected<OwnedFrame, std::string> reply) {
  if (!reply) return fail("login: " + reply.error());
  if (!is_success(*reply)) return fail("authentication failed");
  std::weak_ptr<Session> weak = shared_from_this();
  send_internal({{"Action", "Events"}, {"EventMask", "on"}},
                [weak, gen = gen_](std::expected<OwnedFrame, std::string> r) {
                  auto s = weak.lock();
                  if (s && gen == s->gen_) s->on_events(std::move(r));
                });
}

void Session::on_events(std::expected<OwnedFrame, std::string> reply) {
  if (!reply) return fail("events: " + reply.error());
  if (!is_success(*reply)) return fail("events refused");
  backoff_.reset();
  set_state(SessionState::Up, "");
  // Resync: the Status events (one per live channel, with the click-to-call
  // variable, so an adopted call keeps its call id) reach on_frame like any
  // event. Status rather than CoreShowChannels: same channel fields plus
  // variables.
  const std::string name = config_.name;
  send_internal({{"Action", "Status"}, {"Variables", std::string(core::kCallIdVariable)}},
                [name](std::expected<OwnedFrame, std::string> r) {
                  if (!r) spdlog::warn("ami[{}] Status: {}", name, r.error());
                });
  do_ping();
}

// --- keep-alive ------------------------------------------------------------

void Session::do_ping() {
  ping_timer_.expires_after(config_.ping_interval);
  ping_timer_.async_wait([self = shared_from_this(), gen = gen_](const error_code& ec) {
    self->on_ping_timer(gen, ec);
  });
}

void Session::on_ping_timer(std::uint64_t gen, const error_code& ec) {
  if (ec || gen != gen_ || stopping_) return;
  if (ping_outstanding_) return fail("ping timeout");
  ping_outstanding_ = true;
  std::weak_ptr<Session> weak = shared_from_this();
  send_internal({{"Action", "Ping"}}, [weak, gen](std::expected<OwnedFrame, std::string> r) {
    auto s = weak.lock();
    if (s && gen == s->gen_ && r) s->ping_outstanding_ = false;
  });
  do_ping();
}

// --- writing ---------------------------------------------------------------

void Session::send_internal(std::vector<std::pair<std::string, std::string>> headers,
                            ActionCallback cb) {
  if (write_queue_.size() >= config_.max_write_queue) {
    if (cb)
      asio::post(ioc_,
                 [cb = std::move(cb)] { cb(std::unexpected(std::string{"write queue full"})); });
    return;
  }
  const std::string id = (config_.name.empty() ? std::string{"cti"} : config_.name) + "-" +
                         std::to_string(next_action_++);
  std::string msg;
  msg.reserve(128);
  for (const auto& [k, v] : headers) {
    if (ascii_iequals(k, "ActionID")) continue;  // ours must be unique
    msg.append(k).append(": ").append(v).append("\r\n");
  }
  msg.append("ActionID: ").append(id).append("\r\n\r\n");
  write_queue_.push_back(std::move(msg));

  Pending p{std::move(cb), std::make_unique<asio::steady_timer>(ioc_)};
  p.timer->expires_after(config_.action_timeout);
  p.timer->async_wait([weak = weak_from_this(), id](const error_code& ec) {
    if (ec) return;
    auto s = weak.lock();
    if (!s) return;
    if (auto it = s->pending_.find(id); it != s->pending_.end()) {
      ActionCallback c = std::move(it->second.cb);
      s->pending_.erase(it);
      if (c) c(std::unexpected(std::string{"timeout"}));
    }
  });
  pending_.emplace(id, std::move(p));
  do_write();
}

void Session::do_write() {
  if (writing_ || write_queue_.empty()) return;
  writing_ = true;
  // The handler owns the bytes: a dropped connection may clear the queue
  // while the write is still in flight.
  auto msg = std::make_shared<std::string>(std::move(write_queue_.front()));
  write_queue_.pop_front();
  asio::async_write(socket_, asio::buffer(*msg),
                    [self = shared_from_this(), gen = gen_, msg](
                        const error_code& ec, std::size_t) { self->on_write(gen, ec); });
}

void Session::on_write(std::uint64_t gen, const error_code& ec) {
  if (gen != gen_) return;
  writing_ = false;
  if (ec) return fail("write failed: " + ec.message());
  do_write();
}

// --- failure, reconnect, stop ----------------------------------------------

void Session::close_socket() {
  error_code ignored;
  resolver_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  connect_timer_.cancel();
  ping_timer_.cancel();
  write_queue_.clear();
  writing_ = false;
}

void Session::fail_pending(const std::string& reason) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, p] : pending) {
    if (p.timer) p.timer->cancel();
    if (p.cb) p.cb(std::unexpected(reason));
  }
}

void Session::fail(std::string_view reason) {
  if (stopping_) return finish_stop();
  ++gen_;  // every handler of this connection is now stale
  const std::string why{reason};
  close_socket();
  fail_pending(why);
  set_state(SessionState::Disconnected, why);
  schedule_reconnect();
}

void Session::schedule_reconnect() {
  if (stopping_) return;
  const auto delay = backoff_.next();
  spdlog::info("ami[{}] reconnecting to {}:{} in {} ms", config_.name, config_.host, config_.port,
               delay.count());
  backoff_timer_.expires_after(delay);
  backoff_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->stopping_) return;
    ++self->reconnects_;
    self->do_connect();
  });
}

void Session::finish_stop() {
  if (stopped_) return;
  stopped_ = true;
  ++gen_;
  close_socket();
  backoff_timer_.cancel();
  stop_timer_.cancel();
  fail_pending("session stopped");
  set_state(SessionState::Stopped, "stopped");
  if (auto done = std::move(stop_done_)) done();
}

void Session::set_state(SessionState s, std::string_view reason) {
  state_ = s;
  if (reason.empty()) {
    spdlog::info("ami[{}] {} ({}:{})", config_.name, to_string(s), config_.host, config_.port);
  } else {
    spdlog::warn("ami[{}] {} ({}:{}): {}", config_.name, to_string(s), config_.host, config_.port,
                 reason);
  }
  if (callbacks_.on_state) callbacks_.on_state(s, reason);
}

}  // namespace cti::pbx::ami
