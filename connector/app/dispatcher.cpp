#include "connector/app/dispatcher.h"

#include <spdlog/spdlog.h>

namespace cti::app {

Dispatcher::Dispatcher(store::Store& store,
                       std::vector<std::shared_ptr<adapters::CrmAdapter>> adapters,
                       std::function<void()> on_committed)
    : store_(store), adapters_(std::move(adapters)), on_committed_(std::move(on_committed)) {}

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
    }
    // The latest snapshot of each call, so GET /v1/calls shows live calls.
    batch.records.push_back(event.call);
    if (charge_ && event.kind == core::CallEventKind::Ended)
      if (auto spend = charge_(event.call)) batch.spend.push_back(std::move(*spend));
  }
  for (auto& record : records) batch.records.push_back(std::move(record));
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
