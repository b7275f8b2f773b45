#pragma once
#include <string>

#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::adapters {

// {"type": "hubspot", "name", "token", "base_url"?, "users"?, "portal_id"?,
//  "app_url"?, "default_region"?, "create_unknown_contacts"?,
//  "call_id_property"?, "lookup_limit"?}
std::string parse_hubspot_crm(const config::Node& block, config::Config& out);

}  // namespace cti::adapters
