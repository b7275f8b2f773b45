#pragma once
#include <string>

#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::adapters {

// {"type": "salesforce", "name", "base_url" (the org's instance URL,
//  required), "token" (optional with "oauth"), "users"?, "api_version"?
//  ("61.0"), "app_url"?, "default_region"?, "oauth"? ({"token_url"? (default
//  <base_url>/services/oauth2/token), "client_id", "client_secret",
//  "refresh_token"? (absent: client credentials flow)}),
//  "create_unknown_contacts"?, "create_as"? ("lead" | "contact")}
std::string parse_salesforce_crm(const config::Node& block, config::Config& out);

}  // namespace cti::adapters
