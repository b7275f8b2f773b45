#include "connector/store/store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <limits>
#include <mutex>
#include <thread>

#include "connector/json/call_json.h"
#include "connector/store/batch_writer.h"
#include "connector/store/codec.h"
#include "connector/store/migrations.h"

namespace cti::store {
namespace {

struct Job {
  WriteBatch batch;
  std::optional<OutboxUpdate> update;
  std::function<void(bool ok, int changes)> done;
};

std::int64_t us(core::Timestamp t) { return core::to_unix_micros(t); }

std::optional<core::Timestamp> optional_time(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return core::from_unix_micros(c.getInt64());
}

void configure(SQLite::Database& db, const StoreOptions& o) {
  db.setBusyTimeout(static_cast<int>(o.busy_timeout.count()));
  db.exec("PRAGMA journal_mode = WAL");
  // Durability of "acknowledged as stored": done(true) is the moment the event
  // loop may forget an event, and the PBX will not send it again. In WAL mode
  // synchronous=NORMAL survives a process crash or kill -9 (the WAL pages are
  // in the OS cache), but an OS crash or power loss can roll back the last
  // commits. FULL fsyncs the WAL on every commit, which closes that hole; group
  // commit makes it one fsync per commit_interval rather than one per event,
  // so FULL is the default. NORMAL is an opt-in for disposable deployments.
  db.exec(o.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
}

constexpr const char* kDeliveryColumns =
    "id, adapter, call_id, event_id, state, url, last_error, seq, attempts, last_status, "
    "created_at, next_attempt_at, delivered_at";

DeliveryRow delivery_row(SQLite::Statement& q) {
  DeliveryRow r;
  r.id = q.getColumn(0).getInt64();
  r.adapter = q.getColumn(1).getString();
  r.call_id = q.getColumn(2).getString();
  r.event_id = q.getColumn(3).getString();
  r.state = q.getColumn(4).getString();
  r.url = q.getColumn(5).getString();
  r.last_error = q.getColumn(6).getString();
  r.seq = static_cast<std::uint64_t>(q.getColumn(7).getInt64());
  r.attempts = q.getColumn(8).getInt();
  r.last_status = q.getColumn(9).getInt();
  r.created_at = optional_time(q.getColumn(10));
  r.next_attempt_at = optional_time(q.getColumn(11));
  r.delivered_at = optional_time(q.getColumn(12));
  return r;
}

// Per-call ordering. An item is a "head" when no pending item of the same
// (adapter, call_id) comes before it by (seq, id). Only heads are claimable,
// so events of one call reach each adapter in seq order while different calls
// go in parallel. Dead items do not block later ones: a receiver that rejects
// one event (a 4xx) must not stall the rest of the call forever; the dead
// letter stays visible and replayable, and receivers dedupe by Idempotency-Key.
constexpr const char* kHeadCondition =
    "o.state = 'pending' AND NOT EXISTS (SELECT 1 FROM outbox p INDEXED BY outbox_pending_call "
    "WHERE p.state = 'pending' "
    "AND p.adapter = o.adapter AND p.call_id = o.call_id "
    "AND (p.seq < o.seq OR (p.seq = o.seq AND p.id < o.id)))";

}  // namespace

struct Store::Impl {
  StoreOptions options;
  core::SystemClock system_clock;
  const core::Clock* clock = nullptr;
  std::unique_ptr<SQLite::Database> write_db, read_db;
  std::unique_ptr<BatchWriter> writer;

  std::mutex read_mu;  // one read connection, used by one thread at a time

  std::mutex mu;
  std::condition_variable wake_writer, progress;
  std::vector<Job> queue;
  std::uint64_t submitted = 0, completed = 0;
  bool stopping = false;
  std::thread thread;

  std::atomic<std::uint64_t> commits{0}, failed_commits{0}, batches{0}, events{0}, records{0},
      deliveries{0};

  void enqueue(Job job) {
    {
      std::lock_guard lk(mu);
      queue.push_back(std::move(job));
      ++submitted;
    }
    wake_writer.notify_one();
  }

  void update_async(OutboxUpdate u, Store::Committed committed) {
    std::function<void(bool, int)> cb;
    if (committed) cb = [c = std::move(committed)](bool ok, int) { c(ok); };
    enqueue(Job{{}, std::move(u), std::move(cb)});
  }

  int update_and_wait(OutboxUpdate u) {
    auto result = std::make_shared<std::promise<int>>();
    auto future = result->get_future();
    enqueue(Job{{}, std::move(u), [result](bool ok, int changes) {
                  result->set_value(ok ? changes : -1);
                }});
    return future.get();
  }

  void run() {
    std::unique_lock lk(mu);
    auto last_commit = std::chrono::steady_clock::now() - options.commit_interval;
    for (;;) {
      wake_writer.wait(lk, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;  // stopping and drained
      // Let the batch grow until one interval after the previous commit.
      if (!stopping)
        wake_writer.wait_until(lk, last_commit + options.commit_interval, [&] { return stopping; });
      std::vector<Job> jobs;
      jobs.swap(queue);
      lk.unlock();
      last_commit = std::chrono::steady_clock::now();
      commit(jobs);
      lk.lock();
      completed += jobs.size();
      progress.notify_all();
    }
  }

  // One transaction for the whole drain. If it fails, each job is retried in
  // its own transaction so one bad batch cannot fail its neighbours.
  void commit(std::vector<Job>& jobs) {
    std::vector<int> changes(jobs.size(), 0);
    std::vector<bool> ok(jobs.size(), false);
    if (transact(jobs, 0, jobs.size(), changes)) {
      ok.assign(jobs.size(), true);
    } else if (jobs.size() > 1) {
      for (std::size_t i = 0; i < jobs.size(); ++i) ok[i] = transact(jobs, i, i + 1, changes);
    }
    for (std::size_t i = 0; i < jobs.size(); ++i)
      if (jobs[i].done) jobs[i].done(ok[i], changes[i]);
  }

  bool transact(std::vector<Job>& jobs, std::size_t from, std::size_t to,
                std::vector<int>& changes) {
    try {
      const auto now = clock->now();
      WriteCounts total;
      SQLite::Transaction tx(*write_db);
      for (std::size_t i = from; i < to; ++i) {
        const auto c = writer->write(jobs[i].batch, now);
        total.events += c.events;
        total.records += c.records;
        total.deliveries += c.deliveries;
        if (jobs[i].update) changes[i] = writer->apply(*jobs[i].update);
      }
      tx.commit();
      commits.fetch_add(1, std::memory_order_relaxed);
      batches.fetch_add(to - from, std::memory_order_relaxed);
      events.fetch_add(total.events, std::memory_order_relaxed);
      records.fetch_add(total.records, std::memory_order_relaxed);
      deliveries.fetch_add(total.deliveries, std::memory_order_relaxed);
      return true;
    } catch (const std::exception& e) {
      failed_commits.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("store: commit of {} batch(es) failed: {}", to - from, e.what());
      return false;
    }
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->thread = std::thread([this] { impl_->run(); });
}

Store::~Store() {
  {
    std::lock_guard lk(impl_->mu);
    impl_->stopping = true;
  }
  impl_->wake_writer.notify_one();
  impl_->thread.join();
}

std::expected<std::unique_ptr<Store>, std::string> Store::open(const std::string& path,
                                                               StoreOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->clock = options.clock ? options.clock : &impl->system_clock;
  try {
    impl->write_db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
    configure(*impl->write_db, options);
    if (auto migrated = migrate(*impl->write_db); !migrated)
      return std::unexpected(path + ": " + migrated.error());
    impl->writer = std::make_unique<BatchWriter>(*impl->write_db);
    impl->read_db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_FULLMUTEX);
    impl->read_db->setBusyTimeout(static_cast<int>(options.busy_timeout.count()));
  } catch (const std::exception& e) {
    return std::unexpected(path + ": " + e.what());
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

void Store::submit(WriteBatch batch, std::function<void(bool ok)> done) {
  std::function<void(bool, int)> cb;
  if (done) cb = [done = std::move(done)](bool ok, int) { done(ok); };
  impl_->enqueue(Job{std::move(batch), std::nullopt, std::move(cb)});
}

void Store::flush() {
  std::unique_lock lk(impl_->mu);
  const auto target = impl_->submitted;
  impl_->wake_writer.notify_one();
  impl_->progress.wait(lk, [&] { return impl_->completed >= target; });
}

std::vector<core::CallRecord> Store::list_calls(std::optional<core::Timestamp> since,
                                                std::size_t limit) {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      "SELECT record_json FROM calls WHERE started_at >= ? "
                      "ORDER BY started_at DESC, call_id DESC LIMIT ?");
  q.bind(1, since ? us(*since) : std::numeric_limits<std::int64_t>::min());
  q.bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  std::vector<core::CallRecord> out;
  while (q.executeStep()) {
    auto j = nlohmann::json::parse(q.getColumn(0).getString(), nullptr, false);
    if (auto r = json::record_from_json(j)) out.push_back(std::move(*r));
  }
  return out;
}

std::vector<core::CallRecord> Store::calls_with_number(const std::string& number,
                                                       const std::string& except_call_id,
                                                       std::size_t limit) {
  std::vector<core::CallRecord> out;
  if (number.empty()) return out;
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      "SELECT record_json FROM calls INDEXED BY calls_customer "
                      "WHERE customer = ? AND customer <> '' AND call_id <> ? "
                      "ORDER BY started_at DESC LIMIT ?");
  q.bind(1, number);
  q.bind(2, except_call_id);
  q.bind(3, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  while (q.executeStep()) {
    auto j = nlohmann::json::parse(q.getColumn(0).getString(), nullptr, false);
    if (auto r = json::record_from_json(j)) out.push_back(std::move(*r));
  }
  return out;
}

std::optional<core::CallRecord> Store::get_call(const std::string& call_id) {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db, "SELECT record_json FROM calls WHERE call_id = ?");
  q.bind(1, call_id);
  if (!q.executeStep()) return std::nullopt;
  return json::record_from_json(nlohmann::json::parse(q.getColumn(0).getString(), nullptr, false));
}

std::vector<core::CallEvent> Store::list_events(const std::string& call_id) {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      "SELECT event_json, occurred_at FROM call_events WHERE call_id = ? "
                      "ORDER BY seq");
  q.bind(1, call_id);
  std::vector<core::CallEvent> out;
  while (q.executeStep()) {
    auto e = event_from_json(nlohmann::json::parse(q.getColumn(0).getString(), nullptr, false));
    if (!e) continue;
    e->call_id = call_id;
    e->occurred_at = core::from_unix_micros(q.getColumn(1).getInt64());  // full precision
    out.push_back(std::move(*e));
  }
  return out;
}

std::vector<DncEntry> Store::list_dnc_internal() {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      "SELECT e164, added_at, reason, added_by FROM dnc_internal ORDER BY e164");
  std::vector<DncEntry> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), core::from_unix_micros(q.getColumn(1).getInt64()),
                   q.getColumn(2).getString(), q.getColumn(3).getString()});
  return out;
}

std::vector<ConsentRow> Store::list_consents() {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      "SELECT tenant, e164, status, source, at, recorded_at, recorded_by "
                      "FROM consents ORDER BY id");
  std::vector<ConsentRow> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getString() == "granted", q.getColumn(3).getString(),
                   core::from_unix_micros(q.getColumn(4).getInt64()),
                   core::from_unix_micros(q.getColumn(5).getInt64()), q.getColumn(6).getString()});
  return out;
}

std::vector<SpendTotal> Store::spend_since(core::Timestamp since) {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      "SELECT tenant, agent, SUM(cost) FROM spend WHERE at >= ? "
                      "GROUP BY tenant, agent");
  q.bind(1, us(since));
  std::vector<SpendTotal> out;
  while (q.executeStep())
    out.push_back(
        {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getDouble()});
  return out;
}

std::vector<AuditRow> Store::list_audit(const AuditQuery& query) {
  std::string sql =
      "SELECT id, at, action, principal, tenant, agent, number, allowed, call_id, detail_json "
      "FROM policy_audit WHERE at >= ?";
  if (!query.agent.empty()) sql += " AND agent = ?";
  if (!query.number.empty()) sql += " AND number = ?";
  if (!query.action.empty()) sql += " AND action = ?";
  if (query.allowed) sql += *query.allowed ? " AND allowed = 1" : " AND allowed = 0";
  sql += " ORDER BY id DESC LIMIT ?";
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db, sql);
  int i = 1;
  q.bind(i++, query.since ? us(*query.since) : std::numeric_limits<std::int64_t>::min());
  if (!query.agent.empty()) q.bind(i++, query.agent);
  if (!query.number.empty()) q.bind(i++, query.number);
  if (!query.action.empty()) q.bind(i++, query.action);
  q.bind(i, static_cast<std::int64_t>(std::min<std::size_t>(query.limit, INT64_MAX)));
  std::vector<AuditRow> out;
  while (q.executeStep()) {
    AuditRow r;
    r.id = q.getColumn(0).getInt64();
    r.at = core::from_unix_micros(q.getColumn(1).getInt64());
    r.action = q.getColumn(2).getString();
    r.principal = q.getColumn(3).getString();
    r.tenant = q.getColumn(4).getString();
    r.agent = q.getColumn(5).getString();
    r.number = q.getColumn(6).getString();
    r.allowed = q.getColumn(7).getInt() != 0;
    r.call_id = q.getColumn(8).getString();
    r.detail_json = q.getColumn(9).getString();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<DeliveryRow> Store::list_deliveries(std::string_view state, std::size_t limit) {
  // The state goes into the SQL text (from a fixed set) so SQLite can use the
  // partial indexes, which a bound parameter would not allow.
  std::string where;
  if (state == "pending" || state == "delivered" || state == "dead")
    where = " WHERE state = '" + std::string(state) + "'";
  else if (!state.empty())
    return {};
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db, std::string("SELECT ") + kDeliveryColumns + " FROM outbox" +
                                           where + " ORDER BY id DESC LIMIT ?");
  q.bind(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  std::vector<DeliveryRow> out;
  while (q.executeStep()) out.push_back(delivery_row(q));
  return out;
}

std::optional<DeliveryRow> Store::get_delivery(std::int64_t id) {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      std::string("SELECT ") + kDeliveryColumns + " FROM outbox WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return delivery_row(q);
}

std::expected<void, std::string> Store::replay_delivery(std::int64_t id) {
  const auto row = get_delivery(id);
  if (!row) return std::unexpected("delivery " + std::to_string(id) + " not found");
  if (row->state != "dead")
    return std::unexpected("delivery " + std::to_string(id) + " is " + row->state + ", not dead");
  const int changed =
      impl_->update_and_wait({OutboxUpdate::Kind::Replay, id, 0, {}, impl_->clock->now()});
  if (changed < 0) return std::unexpected("delivery " + std::to_string(id) + ": commit failed");
  // Someone replayed it between our read and the update.
  if (changed == 0) return std::unexpected("delivery " + std::to_string(id) + " is not dead");
  return {};
}

std::vector<ClaimedDelivery> Store::claim_due(core::Timestamp now, std::size_t limit,
                                              const std::set<std::string>& busy_calls) {
  std::vector<ClaimedDelivery> out;
  if (limit == 0) return out;
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      std::string("SELECT o.id, o.adapter, o.call_id, o.seq, o.event_id, "
                                  "o.idempotency_key, o.method, o.url, o.headers_json, o.body, "
                                  "o.content_type, o.attempts, o.created_at, o.job FROM outbox o "
                                  "INDEXED BY outbox_due "
                                  "WHERE o.next_attempt_at <= ? AND ") +
                          kHeadCondition + " ORDER BY o.next_attempt_at, o.id");
  q.bind(1, us(now));
  // No LIMIT in SQL: busy calls are skipped here, and stepping stops early.
  while (out.size() < limit && q.executeStep()) {
    std::string call_id = q.getColumn(2).getString();
    if (busy_calls.contains(call_id)) continue;
    ClaimedDelivery d;
    d.id = q.getColumn(0).getInt64();
    d.adapter = q.getColumn(1).getString();
    d.call_id = std::move(call_id);
    d.seq = static_cast<std::uint64_t>(q.getColumn(3).getInt64());
    d.event_id = q.getColumn(4).getString();
    d.request.idempotency_key = q.getColumn(5).getString();
    d.request.method = q.getColumn(6).getString();
    d.request.url = q.getColumn(7).getString();
    d.request.headers = decode_headers(q.getColumn(8).getString());
    d.request.body = q.getColumn(9).getString();
    d.request.content_type = q.getColumn(10).getString();
    d.attempts = q.getColumn(11).getInt();
    d.created_at = core::from_unix_micros(q.getColumn(12).getInt64());
    d.job = q.getColumn(13).getString();
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<core::Timestamp> Store::next_due_at(const std::set<std::string>& busy_calls) {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db, std::string("SELECT o.call_id, o.next_attempt_at FROM "
                                                   "outbox o INDEXED BY outbox_due WHERE ") +
                                           kHeadCondition + " ORDER BY o.next_attempt_at, o.id");
  while (q.executeStep())
    if (!busy_calls.contains(q.getColumn(0).getString()))
      return core::from_unix_micros(q.getColumn(1).getInt64());
  return std::nullopt;
}

void Store::mark_delivered(std::int64_t id, int status, core::Timestamp at) {
  impl_->update_and_wait({OutboxUpdate::Kind::Delivered, id, status, {}, at});
}

void Store::mark_retry(std::int64_t id, int status, std::string error, core::Timestamp next_at) {
  impl_->update_and_wait({OutboxUpdate::Kind::Retry, id, status, std::move(error), next_at});
}

void Store::mark_dead(std::int64_t id, int status, std::string error) {
  impl_->update_and_wait({OutboxUpdate::Kind::Dead, id, status, std::move(error), {}});
}

void Store::mark_delivered_async(std::int64_t id, int status, core::Timestamp at,
                                 Committed committed) {
  impl_->update_async({OutboxUpdate::Kind::Delivered, id, status, {}, at}, std::move(committed));
}

void Store::mark_retry_async(std::int64_t id, int status, std::string error,
                             core::Timestamp next_at, Committed committed) {
  impl_->update_async({OutboxUpdate::Kind::Retry, id, status, std::move(error), next_at},
                      std::move(committed));
}

void Store::mark_dead_async(std::int64_t id, int status, std::string error, Committed committed) {
  impl_->update_async({OutboxUpdate::Kind::Dead, id, status, std::move(error), {}},
                      std::move(committed));
}

std::size_t Store::pending_count() {
  std::lock_guard lk(impl_->read_mu);
  SQLite::Statement q(*impl_->read_db,
                      "SELECT COUNT(*) FROM outbox INDEXED BY outbox_due WHERE state = 'pending'");
  return q.executeStep() ? static_cast<std::size_t>(q.getColumn(0).getInt64()) : 0;
}

StoreStats Store::stats() const {
  const auto& i = *impl_;
  return {i.commits.load(), i.failed_commits.load(), i.batches.load(),
          i.events.load(),  i.records.load(),        i.deliveries.load()};
}

int Store::schema_version() {
  std::lock_guard lk(impl_->read_mu);
  return store::schema_version(*impl_->read_db);
}

}  // namespace cti::store
