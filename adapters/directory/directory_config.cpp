#include "adapters/directory/directory_config.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/directory/directory_adapter.h"
#include "connector/config/crm_common.h"

namespace cti::adapters {

std::string parse_directory_crm(const config::Node& block, config::Config& out) {
  const config::ObjectReader r = block.object({"type", "name", "file", "url_template"});
  DirectoryOptions o;
  const std::string name = r.required("name").non_empty_text();
  o.name = name;
  const config::Node file_node = r.required("file");
  std::filesystem::path file = file_node.non_empty_text();
  if (file.is_relative() && !out.config_dir.empty()) file = out.config_dir / file;
  const std::string shown = file.string();

  std::ifstream in(file, std::ios::binary);
  if (!in) file_node.fail("cannot read \"" + shown + "\": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) file_node.fail("cannot read \"" + shown + "\"");
  auto entries = parse_directory_csv(text.str(), out.numbers.default_region);
  if (!entries) {
    const auto& e = entries.error();
    file_node.fail(shown + (e.line > 0 ? ":" + std::to_string(e.line) : std::string{}) + ": " +
                   e.reason);
  }
  o.entries = std::move(*entries);

  if (auto tmpl = r.optional("url_template")) {
    o.url_template = config::read_http_url(*tmpl);
    if (o.url_template.find("{id}") == std::string::npos)
      tmpl->fail("expected the placeholder {id} in the URL, got " + tmpl->describe());
  }
  config::add_crm_adapter(out, "directory", std::make_shared<DirectoryAdapter>(std::move(o)));
  return name;
}

}  // namespace cti::adapters
