#pragma once
// The REST API server: HTTP/1.1 on Boost.Beast, one strand per connection,
// so the io_context may run on one thread or several.
//
//   auto server = cti::api::Server(ioc, options, backend);
//   auto port = server.start();   // binds now, accepts once ioc runs
//   ...
//   server.stop();                // stops accepting, closes open connections
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "connector/api/agent_hub.h"
#include "connector/api/backend.h"
#include "connector/api/ws_session.h"

namespace cti::api {

struct ServerOptions {
  // "host:port" or "[v6]:port"; host must be an IP address; port 0 picks a free port.
  std::string listen = "127.0.0.1:8080";
  // SHA-256 hex of each accepted bearer token (see hash_token). Empty: every
  // route but /v1/health answers 401.
  std::vector<std::string> token_hashes;
  // Same order as token_hashes: the agent id an agent token belongs to, ""
  // for integration tokens (missing entries are integration tokens too).
  std::vector<std::string> token_agents;
  // CSP frame-ancestors of the agent panel (api.frame_ancestors).
  std::vector<std::string> frame_ancestors = {"'none'"};
  std::size_t max_body_bytes = 1 << 20;      // larger bodies: 413
  std::size_t max_header_bytes = 16 * 1024;  // larger request line + headers: 431
  std::chrono::seconds idle_timeout{60};     // no complete request (or write) within: close
  std::size_t max_connections = 1024;        // further connections are closed at once
  // Agent-panel WebSockets (/v1/ws); null hub: the route answers 404.
  std::shared_ptr<AgentHub> hub;
  WsLimits ws_limits;
};

class Listener;

class Server {
 public:
  Server(boost::asio::io_context& ioc, ServerOptions options, std::shared_ptr<Backend> backend);
  ~Server();  // stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Validates the options and binds; returns the bound port. Accepting runs
  // asynchronously on the io_context. Errors: bad listen address, bad token
  // hash, bind failure, already started.
  std::expected<std::uint16_t, std::string> start();
  // Thread-safe and idempotent. Closes the acceptor and every open
  // connection (on their strands); the io_context then runs out of API work.
  void stop();

 private:
  boost::asio::io_context& ioc_;
  ServerOptions options_;
  std::shared_ptr<Backend> backend_;
  std::shared_ptr<Listener> listener_;
};

}  // namespace cti::api
