#pragma once
#include <string>

#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::adapters {

// {"type": "zoho", "name", "token" (optional with "oauth"), "base_url"? |
//  "data_centre"? ("com", "eu", "in", "com.au", "jp", "ca", "sa"), "users"?,
//  "app_url"?, "call_results"? ({"<disposition>": "<Call_Result value>"}),
//  "call_id_field"?, "lookup_limit"?, "oauth"? ({"token_url"? (default: the
//  data centre's accounts host), "client_id", "client_secret",
//  "refresh_token"}), "create_unknown_contacts"?, "create_as"? ("lead" | "contact")}
std::string parse_zoho_crm(const config::Node& block, config::Config& out);

}  // namespace cti::adapters
