#pragma once
#include <string>

#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::adapters {

// {"type": "template", "name", "base_url", "token"?, "users"?, "file"?,
//  "vars"?, "default_region"?, "headers"?, "maps"?, "disposition_map"?,
//  "lookup"?, "create_contact"?, "create_unknown_contacts"?, "log"?,
//  "find_logged"?, "description"?}
// With "file", the template is read from that JSON file (relative to the
// working directory) and every key of the block replaces the file's
// ("vars" merge key by key; a null removes the file's key). Every
// placeholder, filter, map, condition and JSON pointer is checked here, at
// start-up; docs/adapters/template.md is the guide.
std::string parse_template_crm(const config::Node& block, config::Config& out);

}  // namespace cti::adapters
