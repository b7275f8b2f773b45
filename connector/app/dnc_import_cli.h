#pragma once
// `cti-connector dnc-import`: turns a do-not-call registry file (Lista
// Robinson hashes, a list of numbers) into the .dnc snapshot the connector
// loads at start-up (connector/policy/dnc_file.h). Streams the input, shows
// progress on a terminal, prints one summary line; never logs a number
// except the first rejected line (the operator's own file).
#include <string>

namespace CLI {
class App;
}

namespace cti::app {

struct DncImportOptions {
  std::string list;    // "robinson", "internal", ...
  std::string kind;    // "numbers" or "hashes"
  std::string date;    // YYYY-MM-DD: when the registry's data was taken
  std::string out;     // the .dnc file to write
  std::string region;  // ISO 3166 code for national numbers; empty = "ES"
  std::string input;
};

// Exit codes: 0 written; 1 I/O error, no entries, or more lines rejected
// than accepted (nothing written); 2 bad arguments.
int run_dnc_import(const DncImportOptions& options);

// Registers the `dnc-import` subcommand on the connector's command line. Its
// callback runs the import during parsing and ends the parse with
// CLI::RuntimeError(exit code), which CLI11_PARSE turns into main's return
// value without printing anything.
void add_dnc_import_command(CLI::App& app);

}  // namespace cti::app
