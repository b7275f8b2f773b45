#pragma once
// Delivers the SQLite outbox: a small worker pool claims due items (per-call
// seq order, different calls in parallel), signs and sends them, and records
// the outcome (delivered, retry with capped exponential backoff and full
// jitter, or dead letter). Runs entirely off the io thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/adapter.h"
#include "connector/common/metrics.h"
#include "connector/core/time.h"
#include "connector/store/store.h"
#include "webhooks/http_sender.h"
#include "webhooks/retry_policy.h"

namespace cti::webhooks {

struct EngineOptions {
  int workers = 4;
  int max_attempts = 12;
  std::chrono::seconds max_age{86400};
  std::chrono::milliseconds backoff_initial{1000}, backoff_max{300000}, timeout{10000};
};

class DeliveryEngine {
 public:
  // secrets_by_adapter: HMAC secrets, held in memory only (never stored in
  // SQLite, never logged). Adapters without one get no X-Signature.
  DeliveryEngine(store::Store& store, std::shared_ptr<HttpSender> sender,
                 std::map<std::string, std::string> secrets_by_adapter, EngineOptions options,
                 const core::Clock& clock, common::Registry& metrics);
  ~DeliveryEngine();  // stop()
  DeliveryEngine(const DeliveryEngine&) = delete;
  DeliveryEngine& operator=(const DeliveryEngine&) = delete;

  // The CRM adapters that run call-log jobs (outbox rows with job
  // "crm_log"), by name. Set before start().
  void set_adapters(std::map<std::string, std::shared_ptr<const adapters::CrmAdapter>> adapters) {
    adapters_ = std::move(adapters);
  }

  void start();
  // Finishes in-flight requests (their outcome is recorded), claims nothing new.
  void stop();
  // New items were committed, or the clock moved: re-check what is due. Cheap;
  // call it from Store::submit's done callback.
  void notify();
  // For tests: true once nothing is in flight and nothing pending is due now.
  bool wait_idle(std::chrono::milliseconds timeout);

 private:
  void worker_loop();
  void deliver(const store::ClaimedDelivery& item);
  void release(const std::string& call_id, bool committed);
  bool idle();  // with mu_ held
  core::HttpRequest prepare(const store::ClaimedDelivery& item) const;
  // A job's attempt, reduced to what deliver() records.
  struct Attempt {
    Outcome outcome;
    core::HttpResponse response;  // status and error text recorded
    std::chrono::seconds hint{};  // the CRM's own retry hint
  };
  Attempt attempt_job(const store::ClaimedDelivery& item);
  std::chrono::milliseconds retry_delay(int attempts, const core::HttpResponse& response,
                                        core::Timestamp now);

  store::Store& store_;
  std::shared_ptr<HttpSender> sender_;
  std::map<std::string, std::string> secrets_;
  std::map<std::string, std::shared_ptr<const adapters::CrmAdapter>> adapters_;
  EngineOptions options_;
  const core::Clock& clock_;

  common::Counter& delivered_;
  common::Counter& retried_;
  common::Counter& dead_;
  common::Histogram& latency_;
  common::Gauge& pending_;

  std::mutex mu_;
  std::condition_variable work_cv_, idle_cv_;
  std::set<std::string> busy_;    // calls with a request in flight
  int in_flight_ = 0;             // claimed and not yet committed
  std::uint64_t generation_ = 0;  // bumped by notify() and completions
  // generation_ at which a worker last found nothing to do with nothing in
  // flight (and refreshed the pending gauge); wait_idle needs it current.
  std::uint64_t idle_generation_ = UINT64_MAX;
  bool stopping_ = false;
  std::vector<std::thread> threads_;

  std::mutex rng_mu_;
  std::mt19937_64 rng_;
};

}  // namespace cti::webhooks
