#include "connector/policy/velocity.h"

#include <unordered_set>

namespace cti::policy {
namespace {
constexpr auto kMinute = std::chrono::minutes(1);
constexpr auto kHour = std::chrono::hours(1);
}  // namespace

void VelocityCounter::expire(std::deque<Placed>& q, core::Timestamp now) {
  while (!q.empty() && now - q.front().at >= kHour) q.pop_front();
}

void VelocityCounter::snapshot(const std::string& agent, const std::string& e164,
                               core::Timestamp now, PolicyState& state) {
  while (!tenant_.empty() && now - tenant_.front() >= kMinute) tenant_.pop_front();
  state.tenant_calls_last_minute = int(tenant_.size());
  state.agent_calls_last_minute = 0;
  state.agent_distinct_last_hour = 0;
  state.destination_seen_last_hour = false;
  auto it = per_agent_.find(agent);
  if (it == per_agent_.end()) return;
  expire(it->second, now);
  std::unordered_set<std::string_view> distinct;
  for (const auto& p : it->second) {
    if (now - p.at < kMinute) ++state.agent_calls_last_minute;
    distinct.insert(p.e164);
    if (p.e164 == e164) state.destination_seen_last_hour = true;
  }
  state.agent_distinct_last_hour = int(distinct.size());
  if (it->second.empty()) per_agent_.erase(it);
}

void VelocityCounter::record(const std::string& agent, const std::string& e164,
                             core::Timestamp now) {
  auto& q = per_agent_[agent];
  expire(q, now);
  q.push_back(Placed{now, e164});
  tenant_.push_back(now);
}

}  // namespace cti::policy
