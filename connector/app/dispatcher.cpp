#include "connector/app/dispatcher.h"

#include <spdlog/spdlog.h>

#include "adapters/common/numbers.h"
#include "connector/json/call_json.h"

namespace cti::app {

Dispatcher::Dispatcher(store::Store& store,
                       std::vector<std::shared_ptr<const adapters::CrmAdapter>> adapters,
                       std::function<void()> on_committed)
    : store_(store), adapters_(std::move(adapters)), on_committed_(std::move(on_committed)) {}

store::OutboxItem call_log_job(const adapters::CrmAdapter& adapter, const core::CallEvent& ended) {
  store::OutboxItem item;
  item.adapter = adapter.name();
  item.call_id = ended.call_id;
  item.seq = ended.seq;
  item.event_id = ended.id();
  item.job = "crm_log";
  item.request.url = "crm:" + adapter.name();  // shown in the deliveries API
  item.request.body = json::to_json(ended.call).dump();
  // One job per call and CRM: a re-sent call.ended inserts nothing.
  item.request.idempotency_key = adapter.name() + ":" + ended.call_id + ":call";
  return item;
}

void Dispatcher::dispatch(core::TrackerOutput& out) {
  if (out.events.empty() && out.records.empty()) return;
  dispatch_events(std::move(out.events), std::move(out.records));
  out.clear();
}

void Dispatcher::dispatch_events(std::vector<core::CallEvent> events,
                                 std::vector<core::CallRecord> records) {
  store::WriteBatch batch;
  for (const auto& event : events) {
    for (const auto& adapter : adapters_) {
      for (auto& request : adapter->on_event(event)) {
        store::OutboxItem item;
        item.adapter = adapter->name();
        item.call_id = event.call_id;
        item.seq = event.seq;
        item.event_id = event.id();
        item.request = std::move(request);
        batch.deliveries.push_back(std::move(item));
      }
      // CRMs with call activities get one call-log job per customer call;
      // the adapter runs it (lookup, log) when the engine delivers it.
      if (event.kind == core::CallEventKind::Ended && adapter->logs_calls() &&
          adapters::is_customer_call(event.call))
        batch.deliveries.push_back(call_log_job(*adapter, event));
    }
    // The latest snapshot of each call, so GET /v1/calls shows live calls.
    batch.records.push_back(event.call);
    if (charge_ && event.kind == core::CallEventKind::Ended)
      if (auto spend = charge_(event.call)) batch.spend.push_back(std::move(*spend));
  }
  for (auto& record : records) batch.records.push_back(std::move(record));
  if (observer_)
    for (const auto& event : events) observer_(event);
  batch.events = std::move(events);
  store_.submit(std::move(batch), [notify = on_committed_](bool ok) {
    if (!ok) {
      spdlog::error("store: a batch of call events failed to commit");
      return;
    }
    if (notify) notify();
  });
}

}  // namespace cti::app
