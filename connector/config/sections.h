#pragma once
// One parser per top-level section of the config file. Each validates its
// block completely (types, ranges, formats, uniqueness) and throws
// ConfigFailure through the Node on the first problem.
#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::config {

std::vector<AmiPbxConfig> parse_pbx_section(const Node& node);
// Needs numbers first: extensions may be at most numbers.max_extension_digits long.
std::vector<AgentConfig> parse_agents_section(const Node& node, const NumbersConfig& numbers);
NumbersConfig parse_numbers_section(const Node& node);
StoreConfig parse_store_section(const Node& node);
ApiConfig parse_api_section(const Node& node);
DeliveryConfig parse_delivery_section(const Node& node);
ScreenPopConfig parse_screen_pop_section(const Node& node);
LogConfig parse_log_section(const Node& node);
// Needs numbers (home region) and pbx (originate.pbx must name one).
PolicySettings parse_policy_section(const Node& node, const NumbersConfig& numbers,
                                    const std::vector<AmiPbxConfig>& pbx);

}  // namespace cti::config
