#pragma once
// The durable store: calls, call events and the webhook outbox in SQLite.
//
// Thread-safe facade. Writes never run on the caller's thread: submit() queues
// a batch and one writer thread commits everything queued in one transaction
// (group commit), at most once per StoreOptions::commit_interval. The io
// thread therefore never blocks on SQLite. Reads use a separate connection
// (WAL lets them run while the writer commits).
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connector/core/call_event.h"
#include "connector/core/call_record.h"
#include "connector/store/delivery.h"
#include "connector/store/store_options.h"
#include "connector/store/write_batch.h"

namespace cti::store {

class Store {
 public:
  using DeliveryRow = store::DeliveryRow;

  // Opens (creating if needed) and migrates the database.
  static std::expected<std::unique_ptr<Store>, std::string> open(const std::string& path,
                                                                 StoreOptions options = {});
  // Commits everything already submitted, then stops the writer.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Queues `batch`; `done(ok)` runs on the writer thread once the transaction
  // holding it has committed (ok) or failed (!ok). Once done(true) has run the
  // rows survive a crash or kill -9 (and, with synchronous_full, power loss).
  void submit(WriteBatch batch, std::function<void(bool ok)> done = {});
  // Blocks until everything submitted before the call is committed and its
  // done callbacks have run.
  void flush();

  // --- Reads (safe from any thread) ---
  // Newest first by started_at; `since` keeps started_at >= since.
  std::vector<core::CallRecord> list_calls(std::optional<core::Timestamp> since, std::size_t limit);
  std::optional<core::CallRecord> get_call(const std::string& call_id);
  // The latest calls with this customer number (inbound from / outbound to),
  // newest first, leaving out `except_call_id` (the call ringing now).
  std::vector<core::CallRecord> calls_with_number(const std::string& number,
                                                  const std::string& except_call_id,
                                                  std::size_t limit);
  std::vector<core::CallEvent> list_events(const std::string& call_id);  // by seq
  // state: "dead", "pending", "delivered", "" = all. Newest id first.
  std::vector<DeliveryRow> list_deliveries(std::string_view state, std::size_t limit);
  std::optional<DeliveryRow> get_delivery(std::int64_t id);
  // Dialing policy (written through submit()).
  std::vector<DncEntry> list_dnc_internal();
  std::vector<ConsentRow> list_consents();  // oldest first
  // Cost of calls that ended at or after `since`, per tenant and agent.
  std::vector<SpendTotal> spend_since(core::Timestamp since);
  // Newest first.
  std::vector<AuditRow> list_audit(const AuditQuery& query);

  // dead -> pending, due now, attempts reset. Not found / not dead -> error.
  std::expected<void, std::string> replay_delivery(std::int64_t id);

  // --- Used by the delivery engine ---
  // Due pending items, at most one per (adapter, call_id): the one with the
  // lowest (seq, id), and only if its call is not in `busy_calls`.
  std::vector<ClaimedDelivery> claim_due(core::Timestamp now, std::size_t limit,
                                         const std::set<std::string>& busy_calls);
  // Earliest next_attempt_at among the items claim_due could return once due
  // (ignoring time); nullopt when there is none. The engine sleeps until then.
  std::optional<core::Timestamp> next_due_at(const std::set<std::string>& busy_calls);
  // Outcome updates go through the writer (so they share its group commit) and
  // return once committed: the engine releases the call only after that.
  void mark_delivered(std::int64_t id, int status, core::Timestamp at);
  void mark_retry(std::int64_t id, int status, std::string error, core::Timestamp next_at);
  void mark_dead(std::int64_t id, int status, std::string error);
  // Non-blocking forms: `committed(ok)` runs on the writer thread once the
  // update is committed (ok) or failed. The engine uses these so a worker
  // sends its next request while the outcome waits for the group commit.
  using Committed = std::function<void(bool ok)>;
  void mark_delivered_async(std::int64_t id, int status, core::Timestamp at, Committed committed);
  void mark_retry_async(std::int64_t id, int status, std::string error, core::Timestamp next_at,
                        Committed committed);
  void mark_dead_async(std::int64_t id, int status, std::string error, Committed committed);
  std::size_t pending_count();

  StoreStats stats() const;
  int schema_version();

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cti::store
