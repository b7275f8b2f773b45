#include "connector/api/session_context.h"

#include "connector/api/request_metrics.h"

namespace cti::api {

std::optional<std::uint64_t> ConnectionRegistry::add(const std::shared_ptr<HttpSession>& session) {
  std::lock_guard lock(mutex_);
  if (stopped_ || open_.size() >= max_) return std::nullopt;
  const auto id = next_id_++;
  open_.emplace(id, session);
  record_connections_active(static_cast<std::int64_t>(open_.size()));
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  open_.erase(id);
  record_connections_active(static_cast<std::int64_t>(open_.size()));
}

std::vector<std::shared_ptr<HttpSession>> ConnectionRegistry::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  std::vector<std::shared_ptr<HttpSession>> out;
  for (auto& [id, weak] : open_)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

}  // namespace cti::api
