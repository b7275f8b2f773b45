#include "connector/app/pbx_pipeline.h"

#include <spdlog/spdlog.h>

#include <set>

namespace cti::app {

PbxPipeline::PbxPipeline(std::string pbx_name, core::TrackerConfig config, Dispatcher& dispatcher,
                         store::Store& store, common::Registry& metrics)
    : pbx_(std::move(pbx_name)),
      tracker_(std::move(config)),
      dispatcher_(dispatcher),
      store_(store),
      metrics_(metrics),
      unknown_type_(metrics.counter("cti_pbx_events_total", "PBX events received, by type",
                                    {{"pbx", pbx_}, {"type", "other"}})) {
  mapper_options_.kinds = core::CallTracker::consumed_kinds();
}

void PbxPipeline::on_frame(const pbx::ami::Frame& frame, core::Timestamp arrival) {
  const std::string_view type = frame.event();
  if (!type.empty()) {
    auto it = by_type_.find(type);
    if (it == by_type_.end()) {
      // Bounded: a PBX sends a few dozen event types; anything past 200 is "other".
      common::Counter* c =
          by_type_.size() < 200
              ? &metrics_.counter("cti_pbx_events_total", "PBX events received, by type",
                                  {{"pbx", pbx_}, {"type", std::string(type)}})
              : &unknown_type_;
      it = by_type_.emplace(std::string(type), c).first;
    }
    it->second->inc();
  }
  if (!pbx::ami::map_frame(frame, arrival, event_, mapper_stats_, mapper_options_)) return;
  tracker_.on_event(event_, out_);
  dispatcher_.dispatch(out_);
  if (event_.kind == core::PbxEventKind::ResyncComplete && !reconciled_) {
    reconciled_ = true;
    close_calls_that_ended_while_down(arrival);
  }
}

void PbxPipeline::on_session_up() { tracker_.begin_resync(); }

void PbxPipeline::close_calls_that_ended_while_down(core::Timestamp now) {
  // Read only once everything the tracker already dispatched is committed:
  // otherwise a call it just ended still looks open in the store and would
  // be closed a second time, as incomplete (seen in CI under ASan). Once,
  // at the first resync: one commit's wait on the loop thread.
  store_.flush();
  std::set<std::string> live;
  for (const auto& r : tracker_.live_calls()) live.insert(r.call_id);
  std::vector<core::CallEvent> events;
  std::vector<core::CallRecord> records;
  for (auto& rec : store_.list_calls(std::nullopt, 100000)) {
    if (rec.ended_at || rec.pbx != pbx_ || live.count(rec.call_id)) continue;
    const auto stored = store_.list_events(rec.call_id);
    const std::uint64_t last_seq = stored.empty() ? 0 : stored.back().seq;
    const core::Timestamp last_seen = stored.empty() ? rec.started_at : stored.back().occurred_at;
    rec.ended_at = std::max(last_seen, rec.started_at);
    rec.incomplete = true;  // we did not see it end: the times are a lower bound
    if (rec.answered_at) {
      rec.disposition = core::Disposition::Answered;
      rec.talk_s = core::seconds_between(*rec.answered_at, *rec.ended_at);
    } else {
      rec.disposition = core::Disposition::Missed;
      rec.ring_s = core::seconds_between(rec.started_at, *rec.ended_at);
    }
    core::CallEvent ended;
    ended.kind = core::CallEventKind::Ended;
    ended.call_id = rec.call_id;
    ended.seq = last_seq + 1;
    ended.occurred_at = now;
    ended.agent = rec.agent;
    ended.call = rec;
    spdlog::warn("pbx {}: call {} ended while the connector was down; closed as incomplete", pbx_,
                 rec.call_id);
    events.push_back(std::move(ended));
    records.push_back(std::move(rec));
  }
  if (!events.empty()) dispatcher_.dispatch_events(std::move(events), std::move(records));
}

}  // namespace cti::app
