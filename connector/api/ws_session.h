#pragma once
// One agent-panel WebSocket (/v1/ws), taken over from an HttpSession after
// the upgrade request was authorized. Beast example style (do_x/on_x), all
// on the connection's strand:
//  - accept (echoing the "cti.v1" subprotocol), then send the hub's hello;
//  - keep-alive: Beast pings when the peer is idle and drops it when the
//    ping goes unanswered (timeout below);
//  - sends come from the hub on any thread; they queue on the strand, at most
//    kMaxQueued: a browser that does not read is disconnected (counted), it
//    never makes the connector buffer without bound;
//  - incoming messages are read and ignored (the protocol is server->client);
//    reading is also how a close from the browser is seen.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>
#include <string>

#include "connector/api/agent_hub.h"
#include "connector/api/http_types.h"
#include "connector/api/router.h"
#include "connector/api/ws_auth.h"

namespace cti::api {

struct WsLimits {
  std::size_t max_queued = 256;           // messages waiting to be written
  std::size_t max_incoming_bytes = 4096;  // the client has nothing large to say
  std::chrono::seconds idle_timeout{30};  // ping after half of it, drop after all of it
  std::chrono::seconds handshake_timeout{10};
  std::size_t max_sessions = 4096;  // further upgrades: 503
};

class WsSession : public std::enable_shared_from_this<WsSession>, public AgentSink {
 public:
  WsSession(boost::beast::tcp_stream&& stream, std::shared_ptr<AgentHub> hub, Router::WsGrant grant,
            WsLimits limits);
  ~WsSession() override;

  // Completes the upgrade with the request the HttpSession read.
  void run(Request upgrade);

  void send(std::shared_ptr<const std::string> text) override;  // any thread
  void close() override;                                        // any thread

  // Sessions dropped for not reading (all sessions, for metrics).
  static std::uint64_t dropped_slow();

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void queue(std::shared_ptr<const std::string> text);  // on the strand
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void finish();  // detach from the hub once

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<AgentHub> hub_;
  Router::WsGrant grant_;
  WsLimits limits_;
  std::deque<std::shared_ptr<const std::string>> outbox_;
  bool writing_ = false;
  bool open_ = false;
  bool finished_ = false;
};

}  // namespace cti::api
