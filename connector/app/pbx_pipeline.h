#pragma once
// One PBX's event path on the io thread: AMI frame -> PbxEvent -> CallTracker
// -> Dispatcher. Also counts AMI events by type for /metrics.
#include <map>
#include <string>

#include "connector/app/dispatcher.h"
#include "connector/common/metrics.h"
#include "connector/core/call_tracker.h"
#include "connector/pbx/ami/event_mapper.h"
#include "connector/pbx/ami/frame_parser.h"

namespace cti::app {

class PbxPipeline {
 public:
  PbxPipeline(std::string pbx_name, core::TrackerConfig config, Dispatcher& dispatcher,
              store::Store& store, common::Registry& metrics);

  void on_frame(const pbx::ami::Frame& frame, core::Timestamp arrival);
  // The session (re)connected: the channel list that follows rebuilds state.
  void on_session_up();

  std::size_t active_calls() const { return tracker_.active_calls(); }
  const core::TrackerStats& tracker_stats() const { return tracker_.stats(); }
  const pbx::ami::MapperStats& mapper_stats() const { return mapper_stats_; }

 private:
  // After the first resync since start: calls the store still has open but
  // the PBX no longer reports ended while the connector was down.
  void close_calls_that_ended_while_down(core::Timestamp now);

  std::string pbx_;
  core::CallTracker tracker_;
  Dispatcher& dispatcher_;
  store::Store& store_;
  common::Registry& metrics_;
  pbx::ami::MapperStats mapper_stats_;
  pbx::ami::MapperOptions mapper_options_;
  core::PbxEvent event_;
  core::TrackerOutput out_;
  std::map<std::string, common::Counter*, std::less<>> by_type_;
  common::Counter& unknown_type_;
  bool reconciled_ = false;
};

}  // namespace cti::app
