#pragma once
#include <string>

#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::adapters {

// {"type": "directory", "name", "file", "url_template"?}. Reads and checks
// the whole contacts file now (directory_csv.h): a bad row stops start-up
// with "<file>:<line>: <reason>" at $.crm[i].file. A relative `file` is
// relative to the config file's directory.
std::string parse_directory_crm(const config::Node& block, config::Config& out);

}  // namespace cti::adapters
