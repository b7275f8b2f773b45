#include "connector/api/agent_hub.h"

#include "connector/core/time.h"

namespace cti::api {

std::string AgentHub::attach(const std::string& agent_id, const std::string& extension,
                             const std::shared_ptr<AgentSink>& sink) {
  std::lock_guard lk(mu_);
  sinks_[extension].insert(sink);
  nlohmann::json popups = nlohmann::json::array();
  if (const auto it = popups_.find(extension); it != popups_.end())
    for (const auto& [call_id, message] : it->second) popups.push_back(message);
  const nlohmann::json hello = {
      {"type", "hello"},
      {"agent", agent_id},
      {"extension", extension},
      {"server_time", core::format_rfc3339_ms(core::SystemClock().now())},
      {"popups", std::move(popups)},
  };
  return hello.dump();
}

void AgentHub::detach(const std::string& extension, const AgentSink* sink) {
  std::lock_guard lk(mu_);
  const auto it = sinks_.find(extension);
  if (it == sinks_.end()) return;
  std::erase_if(it->second, [sink](const auto& s) { return s.get() == sink; });
  if (it->second.empty()) sinks_.erase(it);
}

void AgentHub::send_locked(const std::string& extension, const nlohmann::json& message) {
  const auto it = sinks_.find(extension);
  if (it == sinks_.end()) return;
  // One serialisation shared by every session of the agent.
  const auto text = std::make_shared<const std::string>(message.dump());
  for (const auto& sink : it->second) sink->send(text);
}

void AgentHub::pop(const std::string& extension, const std::string& call_id,
                   nlohmann::json message) {
  std::lock_guard lk(mu_);
  send_locked(extension, message);
  popups_[extension][call_id] = std::move(message);
}

void AgentHub::update(const std::string& extension, const std::string& call_id,
                      nlohmann::json message, bool closes) {
  std::lock_guard lk(mu_);
  send_locked(extension, message);
  const auto agent = popups_.find(extension);
  if (agent == popups_.end()) return;
  const auto popup = agent->second.find(call_id);
  if (popup == agent->second.end()) return;
  if (closes) {
    agent->second.erase(popup);
    if (agent->second.empty()) popups_.erase(agent);
  } else if (message.contains("call")) {
    popup->second["call"] = message["call"];  // a resumed session sees "answered"
  }
}

std::size_t AgentHub::sessions() const {
  std::lock_guard lk(mu_);
  std::size_t n = 0;
  for (const auto& [ext, set] : sinks_) n += set.size();
  return n;
}

std::size_t AgentHub::live_popups(const std::string& extension) const {
  std::lock_guard lk(mu_);
  const auto it = popups_.find(extension);
  return it == popups_.end() ? 0 : it->second.size();
}

void AgentHub::close_all() {
  std::map<std::string, std::set<std::shared_ptr<AgentSink>>> sinks;
  {
    std::lock_guard lk(mu_);
    sinks.swap(sinks_);
  }
  for (const auto& [ext, set] : sinks)
    for (const auto& sink : set) sink->close();
}

}  // namespace cti::api
