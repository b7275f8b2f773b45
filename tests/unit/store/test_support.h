#pragma once
// Helpers for store tests: a temp dir that cleans up, a settable clock, and
// small builders for domain objects.
#include <atomic>
#include <filesystem>
#include <random>
#include <string>

#include "connector/core/call_event.h"
#include "connector/core/call_record.h"
#include "connector/store/write_batch.h"

namespace cti::test {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("cti-store-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class FakeClock final : public core::Clock {
 public:
  explicit FakeClock(core::Timestamp start) : us_(core::to_unix_micros(start)) {}
  core::Timestamp now() const override { return core::from_unix_micros(us_.load()); }
  void advance(std::chrono::microseconds d) { us_ += d.count(); }

 private:
  std::atomic<std::int64_t> us_;
};

inline core::Timestamp at(std::int64_t unix_seconds) {
  return core::from_unix_micros(unix_seconds * 1'000'000);
}

inline core::CallRecord record(const std::string& call_id, core::Timestamp started) {
  core::CallRecord r;
  r.call_id = call_id;
  r.direction = core::Direction::Inbound;
  r.from = "+34600111222";
  r.to = "+34910000000";
  r.started_at = started;
  r.pbx = "main";
  return r;
}

inline core::CallEvent event(const std::string& call_id, std::uint64_t seq,
                             core::CallEventKind kind, core::Timestamp when) {
  core::CallEvent e;
  e.kind = kind;
  e.call_id = call_id;
  e.seq = seq;
  e.occurred_at = when;
  e.call = record(call_id, when);
  return e;
}

inline store::OutboxItem item(const std::string& adapter, const std::string& call_id,
                              std::uint64_t seq, const std::string& url = "http://127.0.0.1:1/x") {
  store::OutboxItem it;
  it.adapter = adapter;
  it.call_id = call_id;
  it.seq = seq;
  it.event_id = call_id + ":" + std::to_string(seq);
  it.request.url = url;
  it.request.body = R"({"id":")" + it.event_id + R"("})";
  it.request.idempotency_key = adapter + ":" + it.event_id;
  return it;
}

}  // namespace cti::test
