#pragma once
// What the event loop hands to the store in one go: events, record upserts and
// the outbound requests they caused. One batch is committed atomically, so a
// request is never in the outbox without the event that produced it.
#include <cstdint>
#include <string>
#include <vector>

#include "connector/core/call_event.h"
#include "connector/core/call_record.h"
#include "connector/core/http_request.h"
#include "connector/store/policy_rows.h"

namespace cti::store {

// One request for one adapter, caused by event `seq` of call `call_id`.
// request.idempotency_key is unique per adapter: inserting the same key twice
// is ignored (replaying a capture does not double-deliver). An empty key is
// derived from event_id + method + url + body.
struct OutboxItem {
  std::string adapter, call_id;
  std::uint64_t seq = 0;
  std::string event_id;
  core::HttpRequest request;
  // "" = send `request` as is; "crm_log" = a call-log job the adapter runs
  // (request.body holds the call record). See migration 3.
  std::string job;
};

struct WriteBatch {
  std::vector<core::CallEvent> events{};
  std::vector<core::CallRecord> records{};  // upsert by call_id
  std::vector<OutboxItem> deliveries{};
  // Dialing policy rows (see policy_rows.h).
  std::vector<AuditRow> audits{};
  std::vector<DncChange> dnc_changes{};
  std::vector<ConsentRow> consents{};
  std::vector<SpendRow> spend{};
  bool empty() const {
    return events.empty() && records.empty() && deliveries.empty() && audits.empty() &&
           dnc_changes.empty() && consents.empty() && spend.empty();
  }
};

}  // namespace cti::store
