#pragma once
#include <string>

#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::adapters {

// {"type": "pipedrive", "name", "token", "base_url" (the company domain,
//  required), "users"? (agent -> Pipedrive user id, digits), "app_url"?,
//  "default_region"?, "lookup_limit"?, "create_unknown_contacts"?}
std::string parse_pipedrive_crm(const config::Node& block, config::Config& out);

}  // namespace cti::adapters
