#pragma once
// Turns tracker output into one store batch: the call events, the record
// snapshots (live calls are visible through the API too) and, per adapter,
// the HTTP requests each event causes. One batch commits atomically, so a
// request never sits in the outbox without the event that caused it.
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "adapters/adapter.h"
#include "connector/core/call_tracker.h"
#include "connector/store/store.h"

namespace cti::app {

// The outbox row of a call-log job ("crm_log") for an ended call.
store::OutboxItem call_log_job(const adapters::CrmAdapter& adapter, const core::CallEvent& ended);

class Dispatcher {
 public:
  Dispatcher(store::Store& store, std::vector<std::shared_ptr<const adapters::CrmAdapter>> adapters,
             std::function<void()> on_committed);
  // Consumes `out` (leaves it empty).
  void dispatch(core::TrackerOutput& out);
  // Prices a call that just ended (click-to-call spend); its row commits in
  // the same batch as the call.ended event.
  using Charge = std::function<std::optional<store::SpendRow>(const core::CallRecord&)>;
  void set_charge(Charge charge) { charge_ = std::move(charge); }
  // Sees every event as it is dispatched, before its batch commits (the
  // screen-pop must not wait for SQLite). Runs on the event loop.
  using Observer = std::function<void(const core::CallEvent&)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }
  // For calls closed outside the tracker (startup reconciliation).
  void dispatch_events(std::vector<core::CallEvent> events, std::vector<core::CallRecord> records);

 private:
  store::Store& store_;
  std::vector<std::shared_ptr<const adapters::CrmAdapter>> adapters_;
  std::function<void()> on_committed_;
  Charge charge_;
  Observer observer_;
};

}  // namespace cti::app
