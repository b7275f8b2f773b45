// Outbox benchmark: events stored (SQLite group commit) and delivered (worker
// pool, cpp-httplib) to a local receiver.
//   1. throughput: N events submitted as fast as possible, one batch per event
//      (like one io-loop turn each); events/s until the receiver has them all.
//   2. latency: 500 calls/s for ~10 s, 4 events per call spread over the call
//      (0, 0.5, 1, 2 s), paced in real time; submit -> receiver arrival p50/p99.
// Usage: outbox_bench [events=20000] [calls_per_s=500] [seconds=10] [workers=4]
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "connector/common/metrics.h"
#include "connector/json/call_json.h"
#include "connector/store/store.h"
#include "webhooks/delivery_engine.h"

namespace {

using namespace cti;
using Clock = std::chrono::steady_clock;

struct Planned {
  Clock::duration at{};  // offset from start (latency run)
  std::string call_id;
  std::uint64_t seq = 0;
};

// Receiver that timestamps the arrival of each planned event once.
class Sink {
 public:
  explicit Sink(const std::vector<Planned>& plan) : arrival_(plan.size()) {
    for (std::size_t i = 0; i < plan.size(); ++i)
      index_["bench:" + plan[i].call_id + ":" + std::to_string(plan[i].seq)] = i;
    for (auto& a : arrival_) a = 0;
    server_.new_task_queue = [] { return new httplib::ThreadPool(8); };
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      const auto now = Clock::now().time_since_epoch().count();
      const auto it = index_.find(req.get_header_value("Idempotency-Key"));
      if (it != index_.end()) {
        std::int64_t expected = 0;
        if (arrival_[it->second].compare_exchange_strong(expected, now))
          received_.fetch_add(1);
        else
          duplicates_.fetch_add(1);
      }
      res.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Sink() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::size_t received() const { return received_.load(); }
  std::size_t duplicates() const { return duplicates_.load(); }
  std::int64_t arrival(std::size_t i) const { return arrival_[i].load(); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::atomic<std::int64_t>> arrival_;
  std::atomic<std::size_t> received_{0}, duplicates_{0};
};

store::WriteBatch batch_for(const Planned& p, const std::string& url, core::Timestamp now) {
  core::CallEvent e;
  e.kind = p.seq == 1   ? core::CallEventKind::Ringing
           : p.seq == 2 ? core::CallEventKind::Answered
           : p.seq == 4 ? core::CallEventKind::Ended
                        : core::CallEventKind::Held;
  e.call_id = p.call_id;
  e.seq = p.seq;
  e.occurred_at = now;
  e.agent = "1001";
  e.call.call_id = p.call_id;
  e.call.from = "+34600111222";
  e.call.to = "+34910000000";
  e.call.did = "+34910000000";
  e.call.agent = "1001";
  e.call.agents = {"1001"};
  e.call.started_at = now;
  e.call.pbx = "main";
  store::WriteBatch b;
  store::OutboxItem item;
  item.adapter = "bench";
  item.call_id = p.call_id;
  item.seq = p.seq;
  item.event_id = e.id();
  item.request.url = url;
  item.request.body = json::to_json(e).dump();
  item.request.idempotency_key = "bench:" + e.id();
  b.events.push_back(std::move(e));
  b.deliveries.push_back(std::move(item));
  return b;
}

struct Harness {
  std::filesystem::path dir;
  core::SystemClock clock;
  common::Registry metrics;
  std::unique_ptr<store::Store> db;
  std::unique_ptr<webhooks::DeliveryEngine> engine;

  Harness(const std::string& name, int workers) {
    dir = std::filesystem::temp_directory_path() /
          ("cti-outbox-bench-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto s = store::Store::open((dir / "bench.db").string(), {.clock = &clock});
    if (!s) throw std::runtime_error(s.error());
    db = std::move(*s);
    webhooks::EngineOptions o;
    o.workers = workers;
    engine = std::make_unique<webhooks::DeliveryEngine>(
        *db, webhooks::make_httplib_sender(),
        std::map<std::string, std::string>{{"bench", "bench-secret"}}, o, clock, metrics);
    engine->start();
  }
  ~Harness() {
    engine->stop();
    engine.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
  void submit(store::WriteBatch b) {
    db->submit(std::move(b), [this](bool) { engine->notify(); });
  }
};

bool wait_all(const Sink& sink, std::size_t n, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (sink.received() < n) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // bench driver only
  }
  return true;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto idx = static_cast<std::size_t>(p * double(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

void throughput(std::size_t events, int workers) {
  std::vector<Planned> plan;
  for (std::size_t i = 0; i < events; ++i)
    plan.push_back({{}, "call-" + std::to_string(i / 4), std::uint64_t(i % 4) + 1});
  Sink sink(plan);
  Harness h("tp", workers);
  const auto url = sink.url();
  const auto t0 = Clock::now();
  for (const auto& p : plan) h.submit(batch_for(p, url, h.clock.now()));
  const auto t_submitted = Clock::now();
  h.db->flush();
  const auto t_stored = Clock::now();
  const bool ok = wait_all(sink, plan.size(), std::chrono::seconds(300));
  const auto t1 = Clock::now();
  const auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
  const auto st = h.db->stats();
  std::printf(
      "throughput: %zu events, submit %.3f s, stored %.0f events/s, stored+delivered %.0f "
      "events/s (%.3f s), commits %llu (%.1f events/commit), duplicates %zu%s\n",
      plan.size(), secs(t_submitted - t0), double(plan.size()) / secs(t_stored - t0),
      double(plan.size()) / secs(t1 - t0), secs(t1 - t0), (unsigned long long)st.commits,
      double(st.batches) / double(std::max<std::uint64_t>(st.commits, 1)), sink.duplicates(),
      ok ? "" : " TIMEOUT");
}

void latency(int calls_per_s, int seconds, int workers) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  std::vector<Planned> plan;
  const int calls = calls_per_s * seconds;
  const std::array<milliseconds, 4> offsets{milliseconds(0), milliseconds(500), milliseconds(1000),
                                            milliseconds(2000)};
  for (int c = 0; c < calls; ++c) {
    const auto start = std::chrono::microseconds(std::int64_t(c) * 1'000'000 / calls_per_s);
    for (int k = 0; k < 4; ++k)
      plan.push_back({start + offsets[k], "call-" + std::to_string(c), std::uint64_t(k) + 1});
  }
  std::stable_sort(plan.begin(), plan.end(), [](auto& a, auto& b) { return a.at < b.at; });
  Sink sink(plan);
  Harness h("lat", workers);
  const auto url = sink.url();
  std::vector<std::int64_t> sent(plan.size());
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < plan.size(); ++i) {
    std::this_thread::sleep_until(t0 + plan[i].at);  // pacing the load, not synchronisation
    auto b = batch_for(plan[i], url, h.clock.now());
    sent[i] = Clock::now().time_since_epoch().count();
    h.submit(std::move(b));
  }
  const bool ok = wait_all(sink, plan.size(), std::chrono::seconds(300));
  std::vector<double> ms;
  for (std::size_t i = 0; i < plan.size(); ++i)
    if (const auto a = sink.arrival(i); a != 0)
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::duration(a - sent[i])).count());
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf(
      "latency: %d calls/s x 4 events for %d s (%zu events, %.0f events/s offered): "
      "p50 %.2f ms, p99 %.2f ms, max %.2f ms, commits %llu, delivered %zu, duplicates %zu%s\n",
      calls_per_s, seconds, plan.size(), double(plan.size()) / elapsed, percentile(ms, 0.50),
      percentile(ms, 0.99), percentile(ms, 1.0), (unsigned long long)h.db->stats().commits,
      sink.received(), sink.duplicates(), ok ? "" : " TIMEOUT");
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t events = argc > 1 ? std::stoul(argv[1]) : 20'000;
  const int rate = argc > 2 ? std::stoi(argv[2]) : 500;
  const int seconds = argc > 3 ? std::stoi(argv[3]) : 10;
  const int workers = argc > 4 ? std::stoi(argv[4]) : 4;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);
  std::printf("outbox_bench: nproc %u, workers %d, synchronous=FULL, commit_interval 2 ms\n",
              std::thread::hardware_concurrency(), workers);
  throughput(events, workers);
  latency(rate, seconds, workers);
}
