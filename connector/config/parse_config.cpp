#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "connector/config/config.h"
#include "connector/config/crm_registry.h"
#include "connector/config/json_text.h"
#include "connector/config/reader.h"
#include "connector/config/sections.h"

namespace cti::config {

namespace {

// One token must identify one principal: an agent token reused as another
// agent's (or as an integration token) would let one act as the other.
void check_tokens_unique(const Node& root, const Config& c) {
  for (std::size_t i = 0; i < c.agents.size(); ++i) {
    const std::string& t = c.agents[i].token;
    if (t.empty()) continue;
    const auto at = [&] {
      Node n = ObjectReader(ObjectReader(root).required("agents").elements()[i]).required("token");
      n.secret();
      return n;
    };
    for (std::size_t j = 0; j < i; ++j)
      if (c.agents[j].token == t)
        at().fail("same token as $.agents[" + std::to_string(j) + "].token (value not shown)");
    for (std::size_t k = 0; k < c.api.tokens.size(); ++k)
      if (c.api.tokens[k] == t)
        at().fail("same token as $.api.tokens[" + std::to_string(k) + "] (value not shown)");
  }
}

}  // namespace

std::string ConfigError::to_string() const { return path.empty() ? reason : path + ": " + reason; }

std::expected<Config, ConfigError> parse_config(std::string_view json_text, const EnvLookup& env,
                                                std::string_view config_dir) {
  auto parsed = parse_json_text(json_text);
  if (!parsed) return std::unexpected(parsed.error());
  try {
    const Node root(*parsed, "$", env);
    const ObjectReader r = root.object({"pbx", "agents", "numbers", "crm", "store", "api",
                                        "delivery", "log", "policy", "screen_pop"});
    Config c;
    c.config_dir = std::string(config_dir);
    if (auto n = r.optional("pbx")) c.pbx = parse_pbx_section(*n);
    // numbers before agents: agent extensions are checked against its limits.
    if (auto n = r.optional("numbers")) c.numbers = parse_numbers_section(*n);
    if (auto n = r.optional("agents")) c.agents = parse_agents_section(*n, c.numbers);
    if (auto n = r.optional("crm")) builtin_crm_registry().parse_all(*n, c);
    if (auto n = r.optional("store")) c.store = parse_store_section(*n);
    c.api = parse_api_section(r.required("api"));
    if (auto n = r.optional("delivery")) c.delivery = parse_delivery_section(*n);
    if (auto n = r.optional("screen_pop")) c.screen_pop = parse_screen_pop_section(*n);
    if (auto n = r.optional("log")) c.log = parse_log_section(*n);
    if (auto n = r.optional("policy"))
      c.policy = parse_policy_section(*n, c.numbers, c.pbx);
    else
      c.policy.gate.home_region = c.numbers.default_region;
    c.policy.gate.virtual_numbers = c.numbers.virtual_numbers;
    c.policy.gate.default_line = c.numbers.default_line;
    if (c.policy.originate.pbx.empty() && !c.pbx.empty()) c.policy.originate.pbx = c.pbx[0].name;
    check_tokens_unique(root, c);
    return c;
  } catch (const ConfigFailure& f) {
    return std::unexpected(f.error);
  }
}

std::expected<Config, ConfigError> load_config_file(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(
        ConfigError{"$", "cannot read config file \"" + path + "\": " + std::strerror(errno)});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return std::unexpected(ConfigError{"$", "cannot read config file \"" + path + "\""});
  }
  return parse_config(text.str(), env, std::filesystem::path(path).parent_path().string());
}

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

}  // namespace cti::config
