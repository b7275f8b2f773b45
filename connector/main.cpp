// cti-connector: wiring only (DESIGN.md). Subcommands:
//   run      --config FILE            the long-running connector
//   replay   FILE.ami [--config FILE] [--events] [--no-timing]
//   check-config --config FILE        validate and exit
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "connector/app/dnc_import_cli.h"
#include "connector/app/runner.h"
#include "connector/config/config.h"
#include "connector/json/call_json.h"
#include "connector/pbx/ami/replay.h"

namespace {

std::optional<cti::config::Config> load(
    const std::string& path, const cti::config::EnvLookup& env = cti::config::process_env()) {
  auto cfg = cti::config::load_config_file(path, env);
  if (!cfg) {
    std::cerr << "config " << path << ": " << cfg.error().to_string() << "\n";
    return std::nullopt;
  }
  return *cfg;
}

// Defaults that fit the recorded fixtures when no config is given.
cti::core::TrackerConfig default_replay_config() {
  cti::core::TrackerConfig t;
  t.pbx = "main";
  t.agents = {{"1001", "1001"}, {"1002", "1002"}, {"1003", "1003"}};
  return t;
}

int replay(const std::string& file, const std::string& config_path, bool events, bool no_timing) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "replay: cannot read " << file << "\n";
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  cti::core::TrackerConfig tc = default_replay_config();
  if (!config_path.empty()) {
    // A replay uses only agents, region and the PBX name: secrets the
    // config names but this shell does not set get a placeholder, so an
    // integrator can replay with the production config as it is.
    const auto real_env = cti::config::process_env();
    const cti::config::EnvLookup env =
        [real_env](std::string_view name) -> std::optional<std::string> {
      if (auto v = real_env(name)) return v;
      return std::string("replay-placeholder-value-not-a-secret");
    };
    auto cfg = load(config_path, env);
    if (!cfg) return 2;
    if (cfg->pbx.empty()) {
      std::cerr << "replay: the config has no pbx\n";
      return 2;
    }
    tc = cti::app::tracker_config(*cfg, cfg->pbx.front());
  }
  std::optional<cti::pbx::ami::ArrivalTimeline> timeline;
  if (!no_timing) timeline = cti::pbx::ami::load_timeline_for(file);
  const auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  const auto result = cti::pbx::ami::replay_bytes(ss.str(), tc, timeline, now);
  if (events)
    for (const auto& e : result.events) std::cout << cti::json::to_json(e).dump() << "\n";
  else
    for (const auto& r : result.records) std::cout << cti::json::to_json(r).dump() << "\n";
  for (const auto& r : result.live) {
    auto j = cti::json::to_json(r);
    j["active"] = true;  // never ended within the capture
    if (!events) std::cout << j.dump() << "\n";
  }
  std::cerr << "replay: " << result.parser.frames << " frames, " << result.mapper.mapped
            << " call events mapped, " << result.records.size() << " calls ended, "
            << result.live.size() << " still active, "
            << result.parser.malformed + result.parser.oversized << " frames rejected, "
            << result.tracker.unknown_channel_events << " events for unknown channels"
            << (timeline ? ", arrival times from the capture's .json" : "") << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Logs go to stderr: stdout is for output (replay prints records there).
  spdlog::set_default_logger(spdlog::stderr_color_mt("cti"));
  CLI::App app{"cti-connector: PBX call events to CRM call records, screen-pops and webhooks"};
  app.require_subcommand(1);

  std::string config_path;
  auto* run = app.add_subcommand("run", "Run the connector");
  run->add_option("--config,-c", config_path, "Configuration file (JSON)")->required();
  cti::app::RunOptions run_options;
  run->add_option("--api-port-file", run_options.api_port_file,
                  "Write the bound API port to this file (useful with api.listen port 0)");

  std::string replay_file, replay_config;
  bool replay_events = false, no_timing = false;
  auto* rep = app.add_subcommand("replay", "Replay a recorded AMI session and print call records");
  rep->add_option("file", replay_file, "Recorded AMI byte stream (.ami)")->required();
  rep->add_option("--config,-c", replay_config, "Configuration file (agents, region, pbx name)");
  rep->add_flag("--events", replay_events, "Print call events instead of records");
  rep->add_flag("--no-timing", no_timing, "Ignore the capture's .json arrival times");

  auto* check = app.add_subcommand("check-config", "Validate a configuration file and exit");
  check->add_option("--config,-c", config_path, "Configuration file (JSON)")->required();

  cti::app::add_dnc_import_command(app);  // dnc-import: runs and exits from its own callback

  CLI11_PARSE(app, argc, argv);

  if (*rep) return replay(replay_file, replay_config, replay_events, no_timing);
  auto cfg = load(config_path);
  if (!cfg) return 2;
  if (*check) {
    std::cout << "config " << config_path << ": ok\n";
    return 0;
  }
  return cti::app::run(*cfg, run_options);
}
