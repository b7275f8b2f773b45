#pragma once
// One AMI connection to one Asterisk, kept alive for the process lifetime:
// connect → banner → login (plain or MD5 challenge) → Events on → Up →
// CoreShowChannels (resync) → keep-alive Ping. Any failure closes the socket
// and reconnects after a capped, fully jittered exponential backoff.
//
// All work runs on the io_context thread; callbacks are invoked there.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connector/core/time.h"
#include "connector/pbx/ami/backoff.h"
#include "connector/pbx/ami/frame_parser.h"

namespace cti::pbx::ami {

struct SessionConfig {
  std::string name, host;
  std::uint16_t port = 5038;
  std::string username, secret;
  bool md5_login = true;
  std::chrono::milliseconds ping_interval{20000}, connect_timeout{5000}, backoff_initial{500},
      backoff_max{30000};
  ParserLimits limits;
  // A reply to an action (login steps included) later than this fails it and,
  // during login, drops the connection.
  std::chrono::milliseconds action_timeout{10000};
  std::size_t max_write_queue = 1024;
};

enum class SessionState { Connecting, LoggingIn, Up, Disconnected, Stopped };
std::string_view to_string(SessionState state);

struct SessionCallbacks {
  // Every frame that is not the reply to one of the session's own actions
  // (events, including the CoreShowChannel list sent after each login).
  std::function<void(const Frame&, core::Timestamp arrival)> on_frame;
  std::function<void(SessionState, std::string_view reason)> on_state;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  using ActionCallback = std::function<void(std::expected<OwnedFrame, std::string>)>;

  Session(boost::asio::io_context& ioc, SessionConfig config, SessionCallbacks callbacks,
          const core::Clock& clock);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Connects; on failure or drop reconnects with backoff until stop().
  void start();
  // Sends Logoff if up, closes, stops reconnecting; `done` runs on the
  // io_context thread once the socket is closed.
  void stop(std::function<void()> done);
  // Adds a unique ActionID and sends the action; `cb` gets the response, or an
  // error when not connected, on disconnect, or on timeout. Thread-safe.
  void send_action(std::vector<std::pair<std::string, std::string>> headers, ActionCallback cb);

  const ParserStats& parser_stats() const { return parser_.stats(); }
  std::uint64_t reconnects() const { return reconnects_; }
  SessionState state() const { return state_; }

 private:
  using tcp = boost::asio::ip::tcp;
  struct Pending {
    ActionCallback cb;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  void do_connect();
  void on_resolve(std::uint64_t gen, const boost::system::error_code& ec,
                  tcp::resolver::results_type results);
  void on_connect(std::uint64_t gen, const boost::system::error_code& ec);
  void do_read();
  void on_read(std::uint64_t gen, const boost::system::error_code& ec, std::size_t n);
  void on_frame(const Frame& frame, core::Timestamp arrival);
  void do_login();
  void on_challenge(std::expected<OwnedFrame, std::string> reply);
  void send_login(const std::string& key);
  void on_login(std::expected<OwnedFrame, std::string> reply);
  void on_events(std::expected<OwnedFrame, std::string> reply);
  void do_ping();
  void on_ping_timer(std::uint64_t gen, const boost::system::error_code& ec);
  void do_write();
  void on_write(std::uint64_t gen, const boost::system::error_code& ec);
  void send_internal(std::vector<std::pair<std::string, std::string>> headers, ActionCallback cb);
  void fail(std::string_view reason);
  void close_socket();
  void fail_pending(const std::string& reason);
  void schedule_reconnect();
  void finish_stop();
  void set_state(SessionState s, std::string_view reason);

  boost::asio::io_context& ioc_;
  SessionConfig config_;
  SessionCallbacks callbacks_;
  const core::Clock& clock_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  boost::asio::steady_timer connect_timer_, backoff_timer_, ping_timer_, stop_timer_;
  FrameParser parser_;
  Backoff backoff_;
  std::vector<char> read_buf_;
  std::deque<std::string> write_queue_;
  bool writing_ = false;
  std::map<std::string, Pending, std::less<>> pending_;
  std::uint64_t next_action_ = 1;
  std::uint64_t gen_ = 0;  // bumps on every connection so stale handlers are ignored
  SessionState state_ = SessionState::Disconnected;
  bool started_ = false, stopping_ = false, stopped_ = false, ping_outstanding_ = false;
  std::uint64_t reconnects_ = 0;
  bool was_up_ = false;
  std::function<void()> stop_done_;
};

}  // namespace cti::pbx::ami
