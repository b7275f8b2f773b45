#pragma once
// A Backend for tests: a few calls and deliveries in memory, thread-safe
// (the server under test runs its io_context on two threads).
#include <map>
#include <mutex>
#include <stdexcept>

#include "connector/api/backend.h"
#include "connector/common/metrics.h"

namespace cti::api::test {

inline core::CallRecord make_record(std::string id, core::Timestamp started) {
  core::CallRecord r;
  r.call_id = std::move(id);
  r.direction = core::Direction::Inbound;
  r.from = "+34600111222";
  r.to = "1001";
  r.did = "+34910000000";
  r.agent = "1001";
  r.agents = {"1001"};
  r.started_at = started;
  r.answered_at = started + std::chrono::seconds(4);
  r.ended_at = started + std::chrono::seconds(64);
  r.ring_s = 4;
  r.talk_s = 60;
  r.disposition = core::Disposition::Answered;
  r.hangup_cause = 16;
  r.pbx = "main";
  return r;
}

class FakeBackend final : public Backend {
 public:
  // get_call of this id throws, to exercise the 500 path.
  static constexpr const char* throwing_call_id = "explode";

  FakeBackend() {
    const auto t0 = *core::parse_rfc3339("2026-11-28T15:13:29.778Z");
    calls_ = {make_record("1795879455.42", t0),
              make_record("1795879999.7", t0 + std::chrono::hours(1))};
    DeliveryView dead;
    dead.id = 7;
    dead.adapter = "hooks";
    dead.call_id = "1795879455.42";
    dead.event_id = "1795879455.42:3";
    dead.state = "dead";
    dead.url = "http://127.0.0.1:9000/hook";
    dead.last_error = "HTTP 400";
    dead.seq = 3;
    dead.attempts = 1;
    dead.last_status = 400;
    dead.created_at = t0;
    DeliveryView pending = dead;
    pending.id = 8;
    pending.state = "pending";
    pending.last_error.clear();
    pending.last_status = 0;
    deliveries_ = {{7, dead}, {8, pending}};
  }

  std::vector<core::CallRecord> list_calls(std::optional<core::Timestamp> since,
                                           std::size_t limit) override {
    std::lock_guard lock(mutex_);
    last_since = since;
    last_limit = limit;
    std::vector<core::CallRecord> out;
    for (const auto& c : calls_)
      if ((!since || c.started_at >= *since) && out.size() < limit) out.push_back(c);
    return out;
  }
  std::optional<core::CallRecord> get_call(const std::string& call_id) override {
    if (call_id == throwing_call_id) throw std::runtime_error("database is on fire");
    std::lock_guard lock(mutex_);
    for (const auto& c : calls_)
      if (c.call_id == call_id) return c;
    return std::nullopt;
  }
  std::vector<DeliveryView> list_deliveries(std::string_view state, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    last_state = std::string(state);
    std::vector<DeliveryView> out;
    for (const auto& [id, d] : deliveries_)
      if (d.state == state && out.size() < limit) out.push_back(d);
    return out;
  }
  std::expected<void, std::string> replay_delivery(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    const auto it = deliveries_.find(id);
    if (it == deliveries_.end()) return std::unexpected("not found");
    if (it->second.state != "dead") return std::unexpected("not dead");
    it->second.state = "pending";
    ++replays;
    return {};
  }
  std::string metrics_text() override { return common::default_registry().render(); }
  nlohmann::json health() override {
    return {
        {"status", "ok"}, {"pbx", {{{"name", "main"}, {"state", "connected"}}}}, {"store", "ok"}};
  }

  std::vector<core::CallRecord> calls() const { return calls_; }
  std::optional<DeliveryView> delivery(std::int64_t id) {
    std::lock_guard lock(mutex_);
    const auto it = deliveries_.find(id);
    if (it == deliveries_.end()) return std::nullopt;
    return it->second;
  }

  // What the last calls received (read after the response arrived).
  std::mutex mutex_;
  std::optional<core::Timestamp> last_since;
  std::size_t last_limit = 0;
  std::string last_state;
  int replays = 0;

 private:
  std::vector<core::CallRecord> calls_;
  std::map<std::int64_t, DeliveryView> deliveries_;
};

}  // namespace cti::api::test
