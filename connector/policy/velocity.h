#pragma once
// Sliding-window call counters per agent and per tenant, fed with the calls
// the gate allowed; they produce the velocity part of PolicyState. Bounded:
// entries older than an hour are dropped on every use. Not thread-safe (the
// policy service owns one per tenant on its strand).
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "connector/core/time.h"
#include "connector/policy/gate.h"

namespace cti::policy {

class VelocityCounter {
 public:
  // Fills the velocity fields of `state` for this agent and destination.
  void snapshot(const std::string& agent, const std::string& e164, core::Timestamp now,
                PolicyState& state);
  // An allowed call was placed.
  void record(const std::string& agent, const std::string& e164, core::Timestamp now);
  std::size_t agents() const { return per_agent_.size(); }

 private:
  struct Placed {
    core::Timestamp at;
    std::string e164;
  };
  void expire(std::deque<Placed>& q, core::Timestamp now);
  std::unordered_map<std::string, std::deque<Placed>> per_agent_;
  std::deque<core::Timestamp> tenant_;
};

}  // namespace cti::policy
