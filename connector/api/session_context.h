#pragma once
// What every connection of one server shares: the router, the limits and the
// registry of open connections (for max_connections and stop()).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "connector/api/agent_hub.h"
#include "connector/api/router.h"
#include "connector/api/ws_session.h"

namespace cti::api {

class HttpSession;

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(std::size_t max_connections) : max_(max_connections) {}
  // An id for the new connection, or nullopt when full or stopped.
  std::optional<std::uint64_t> add(const std::shared_ptr<HttpSession>& session);
  void remove(std::uint64_t id);
  // Refuses new connections from now on and returns the open ones.
  std::vector<std::shared_ptr<HttpSession>> stop();

 private:
  std::mutex mutex_;
  std::size_t max_;
  bool stopped_ = false;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<HttpSession>> open_;
};

struct SessionContext {
  Router router;
  std::size_t max_body_bytes;
  std::size_t max_header_bytes;
  std::chrono::seconds idle_timeout;
  std::shared_ptr<ConnectionRegistry> connections;
  std::shared_ptr<AgentHub> hub;  // null: no /v1/ws
  WsLimits ws_limits;
};

}  // namespace cti::api
