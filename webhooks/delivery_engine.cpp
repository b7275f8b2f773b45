#include "webhooks/delivery_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "adapters/common/answers.h"
#include "connector/json/call_json.h"
#include "webhooks/crm_job.h"
#include "webhooks/retry_policy.h"
#include "webhooks/signature.h"

namespace cti::webhooks {
namespace {

// The same words as a CRM job's reasons (the receiver's own error message
// when its body has one); a network error or a job's reason stays whole.
std::string error_text(const core::HttpResponse& r) {
  if (r.status == 0) return r.body;
  return adapters::describe_answer(r);
}

// Longest the engine sleeps without a notify: a guard against wall-clock jumps,
// not a polling interval.
constexpr auto kMaxSleep = std::chrono::seconds{30};

}  // namespace

DeliveryEngine::DeliveryEngine(store::Store& store, std::shared_ptr<HttpSender> sender,
                               std::map<std::string, std::string> secrets_by_adapter,
                               EngineOptions options, const core::Clock& clock,
                               common::Registry& metrics)
    : store_(store),
      sender_(std::move(sender)),
      secrets_(std::move(secrets_by_adapter)),
      options_(options),
      clock_(clock),
      delivered_(metrics.counter("cti_deliveries_total", "Webhook delivery attempts by outcome",
                                 {{"outcome", "delivered"}})),
      retried_(metrics.counter("cti_deliveries_total", "Webhook delivery attempts by outcome",
                               {{"outcome", "retry"}})),
      dead_(metrics.counter("cti_deliveries_total", "Webhook delivery attempts by outcome",
                            {{"outcome", "dead"}})),
      latency_(metrics.histogram(
          "cti_delivery_latency_seconds", "Time from outbox insert to successful delivery",
          {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600})),
      pending_(metrics.gauge("cti_outbox_pending", "Outbox items waiting for delivery")),
      rng_(std::random_device{}()) {}

DeliveryEngine::~DeliveryEngine() { stop(); }

void DeliveryEngine::start() {
  std::lock_guard lk(mu_);
  if (!threads_.empty()) return;
  stopping_ = false;
  pending_.set(static_cast<std::int64_t>(store_.pending_count()));
  for (int i = 0; i < std::max(1, options_.workers); ++i)
    threads_.emplace_back([this] { worker_loop(); });
}

void DeliveryEngine::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  work_cv_.notify_all();
  for (auto& t : threads) t.join();
  // Outcomes still waiting for their commit call release() on the store's
  // writer thread: wait for them so no callback outlives the engine.
  std::unique_lock lk(mu_);
  idle_cv_.wait(lk, [&] { return in_flight_ == 0; });
  idle_cv_.notify_all();
}

void DeliveryEngine::notify() {
  {
    std::lock_guard lk(mu_);
    ++generation_;
  }
  work_cv_.notify_all();
}

bool DeliveryEngine::idle() {
  return in_flight_ == 0 && idle_generation_ == generation_ &&
         store_.claim_due(clock_.now(), 1, busy_).empty();
}

bool DeliveryEngine::wait_idle(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lk(mu_);
  for (;;) {
    if (idle()) return true;
    if (idle_cv_.wait_until(lk, deadline) == std::cv_status::timeout) return idle();
  }
}

void DeliveryEngine::worker_loop() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    const auto seen = generation_;
    // Claim under mu_ so claim + busy insert is atomic across workers: two
    // workers never hold items of the same call.
    auto claimed = store_.claim_due(clock_.now(), 1, busy_);
    if (!claimed.empty()) {
      const auto item = std::move(claimed.front());
      busy_.insert(item.call_id);
      ++in_flight_;
      lk.unlock();
      deliver(item);  // the call stays busy until release() after the commit
      lk.lock();
      continue;
    }
    const auto next = store_.next_due_at(busy_);
    if (in_flight_ == 0) {
      pending_.set(static_cast<std::int64_t>(store_.pending_count()));
      idle_generation_ = seen;  // a worker has seen everything up to `seen`: idle
    }
    idle_cv_.notify_all();
    if (next && *next <= clock_.now()) continue;  // became due meanwhile
    const auto woken = [&] { return stopping_ || generation_ != seen; };
    if (next) {
      const auto delay = std::chrono::ceil<std::chrono::milliseconds>(*next - clock_.now());
      work_cv_.wait_for(lk, std::clamp<std::chrono::milliseconds>(delay, {}, kMaxSleep), woken);
    } else {
      work_cv_.wait(lk, woken);
    }
  }
}

core::HttpRequest DeliveryEngine::prepare(const store::ClaimedDelivery& item) const {
  core::HttpRequest req = item.request;
  req.headers.emplace_back("Idempotency-Key", item.request.idempotency_key);
  if (const auto it = secrets_.find(item.adapter); it != secrets_.end() && !it->second.empty()) {
    const auto unix_s = std::chrono::floor<std::chrono::seconds>(clock_.now()).time_since_epoch();
    req.headers.emplace_back("X-Signature", sign(it->second, unix_s.count(), req.body));
  }
  req.headers.emplace_back("Content-Type", req.content_type);
  req.headers.emplace_back("User-Agent", "cti-connector");
  return req;
}

DeliveryEngine::Attempt DeliveryEngine::attempt_job(const store::ClaimedDelivery& item) {
  Attempt a;
  const auto adapter = adapters_.find(item.adapter);
  if (item.job != "crm_log" || adapter == adapters_.end()) {
    // An adapter removed from the config, or a job kind from a newer build:
    // keep the row (a restart with the adapter back delivers it).
    a.outcome = Outcome::Retry;
    a.response.body = item.job != "crm_log" ? "unknown job \"" + item.job + "\""
                                            : "no CRM adapter named \"" + item.adapter + "\"";
    return a;
  }
  const auto doc = nlohmann::json::parse(item.request.body, nullptr, false);
  const auto record = doc.is_discarded() ? std::nullopt : json::record_from_json(doc);
  if (!record) {
    a.outcome = Outcome::Dead;
    a.response.body = "the stored call record does not parse";
    return a;
  }
  const JobResult r = run_crm_log(
      *adapter->second, *record, item.attempts + 1, [this](const core::HttpRequest& request) {
        return sender_->send(prepare_crm_request(request), options_.timeout);
      });
  a.response.status = r.last_status;
  switch (r.final.kind) {
    case adapters::Step::Kind::Done:
      a.outcome = Outcome::Delivered;
      break;
    case adapters::Step::Kind::Retry:
      a.outcome = Outcome::Retry;
      a.response.body = r.final.reason;
      a.hint = r.final.retry_after;
      break;
    default:
      a.outcome = Outcome::Dead;
      a.response.body = r.final.reason;
      break;
  }
  // error_text() shows "HTTP <status>: body" for a status; keep the reason whole.
  if (a.outcome != Outcome::Delivered) a.response.status = 0;
  return a;
}

std::chrono::milliseconds DeliveryEngine::retry_delay(int attempts,
                                                      const core::HttpResponse& response,
                                                      core::Timestamp now) {
  if (response.status == 429 || response.status == 503)
    if (const auto value = adapters::header(response, "Retry-After"))
      if (const auto after = parse_retry_after(*value, now)) return *after;  // receiver knows best
  const auto ceiling = backoff_ceiling(attempts, options_.backoff_initial, options_.backoff_max);
  std::lock_guard lk(rng_mu_);
  return full_jitter(ceiling, rng_);
}

void DeliveryEngine::release(const std::string& call_id, bool committed) {
  if (!committed)  // still pending in SQLite: it will be sent again (at-least-once)
    spdlog::error("webhooks: could not record a delivery outcome for call {}", call_id);
  {
    std::lock_guard lk(mu_);
    // Only now, with the outcome committed, may the call's next item go.
    busy_.erase(call_id);
    --in_flight_;
    ++generation_;
  }
  work_cv_.notify_all();
  idle_cv_.notify_all();
}

void DeliveryEngine::deliver(const store::ClaimedDelivery& item) {
  Attempt a;
  if (item.job.empty()) {
    a.response = sender_->send(prepare(item), options_.timeout);
    a.outcome = classify(a.response.status);
  } else {
    a = attempt_job(item);
  }
  const core::HttpResponse& response = a.response;
  const auto now = clock_.now();
  const int attempts = item.attempts + 1;
  store::Store::Committed done = [this, call_id = item.call_id](bool ok) { release(call_id, ok); };
  switch (a.outcome) {
    case Outcome::Delivered:
      // Metrics first: the commit callback releases the call, and a waiter
      // woken by that release must already see this outcome counted.
      delivered_.inc();
      latency_.observe(std::chrono::duration<double>(now - item.created_at).count());
      store_.mark_delivered_async(item.id, response.status, now, std::move(done));
      break;
    case Outcome::Retry: {
      std::string error = error_text(response);
      const bool too_many = attempts >= options_.max_attempts;
      if (too_many || now - item.created_at >= options_.max_age) {
        error += too_many ? " (gave up after " + std::to_string(attempts) + " attempts)"
                          : std::string(" (gave up: older than max_age)");
        spdlog::warn("webhooks: delivery {} to {} is dead: {}", item.id, item.request.url, error);
        dead_.inc();
        store_.mark_dead_async(item.id, response.status, std::move(error), std::move(done));
        break;
      }
      // A CRM's own hint (rate-limit window) wins over our backoff.
      const auto delay = a.hint > std::chrono::seconds(0) ? std::chrono::milliseconds(a.hint)
                                                          : retry_delay(attempts, response, now);
      spdlog::info("webhooks: delivery {} to {} failed ({}), retry in {} ms", item.id,
                   item.request.url, error, delay.count());
      retried_.inc();
      store_.mark_retry_async(item.id, response.status, std::move(error), now + delay,
                              std::move(done));
      break;
    }
    case Outcome::Dead: {
      std::string error = error_text(response);
      spdlog::warn("webhooks: delivery {} to {} rejected: {}", item.id, item.request.url, error);
      dead_.inc();
      store_.mark_dead_async(item.id, response.status, std::move(error), std::move(done));
      break;
    }
  }
}

}  // namespace cti::webhooks
