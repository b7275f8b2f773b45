#pragma once
// `cti-connector run`: wires the configured components and runs until
// SIGINT/SIGTERM (which drain: AMI logoff, store flush, in-flight deliveries
// finish). Only wiring lives here; behaviour lives in the components.
#include "connector/config/config.h"
#include "connector/core/call_tracker.h"

namespace cti::app {

core::TrackerConfig tracker_config(const config::Config& config, const config::AmiPbxConfig& pbx);
int run(const config::Config& config);

}  // namespace cti::app
