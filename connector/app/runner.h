#pragma once
// `cti-connector run`: wires the configured components and runs until
// SIGINT/SIGTERM (which drain: AMI logoff, store flush, in-flight deliveries
// finish). Only wiring lives here; behaviour lives in the components.
#include <string>

#include "connector/config/config.h"
#include "connector/core/call_tracker.h"

namespace cti::app {

core::TrackerConfig tracker_config(const config::Config& config, const config::AmiPbxConfig& pbx);
struct RunOptions {
  std::string api_port_file;  // if set, the bound API port is written there (tests, scripts)
};
int run(const config::Config& config, const RunOptions& options = {});

}  // namespace cti::app
