#include "connector/config/crm_common.h"

#include "connector/config/json_path.h"
#include "connector/config/validators.h"

namespace cti::config {

std::string read_http_url(const Node& node) {
  std::string url = node.non_empty_text();
  if (!is_http_url(url))
    node.fail("expected an http:// or https:// URL with a host, got " + node.describe());
  return url;
}

CrmCommon read_crm_common(const ObjectReader& block, const Config& config,
                          std::string_view default_base_url, bool token_required) {
  CrmCommon c;
  c.name = block.required("name").non_empty_text();
  c.base_url = std::string(default_base_url);
  if (auto url = default_base_url.empty() ? std::optional<Node>(block.required("base_url"))
                                          : block.optional("base_url")) {
    c.base_url = read_http_url(*url);
  }
  while (c.base_url.ends_with('/')) c.base_url.pop_back();
  if (token_required) {
    Node token = block.required("token");
    c.token = token.secret().non_empty_text();
  } else if (auto token = block.optional("token")) {
    c.token = token->secret().text();
  }
  if (auto users = block.optional("users")) {
    for (auto& [agent, user] : users->members()) {
      const AgentConfig* known = nullptr;
      for (const auto& a : config.agents)
        if (a.id == agent || a.extension == agent) known = &a;
      if (!known)
        user.fail("\"" + agent + "\" is not a configured agent id or extension (see $.agents)");
      const std::string crm_user = user.non_empty_text();
      // Call records name agents by extension: key the map by both.
      c.users[known->id] = crm_user;
      c.users[known->extension] = crm_user;
    }
  }
  return c;
}

std::optional<adapters::OAuthOptions> read_oauth(const ObjectReader& block,
                                                 std::string_view default_token_url,
                                                 std::string_view why_required) {
  const auto node = block.optional("oauth");
  if (!node) return std::nullopt;
  const ObjectReader r = node->object({"token_url", "client_id", "client_secret", "refresh_token"});
  adapters::OAuthOptions o;
  if (auto url = r.optional("token_url")) {
    o.token_url = read_http_url(*url);
  } else if (!default_token_url.empty()) {
    o.token_url = std::string(default_token_url);
  } else {
    throw ConfigFailure{ConfigError{
        key_path(r.path(), "token_url"),
        "missing required key" + (why_required.empty() ? "" : ": " + std::string(why_required))}};
  }
  o.client_id = r.required("client_id").non_empty_text();
  o.client_secret = r.required("client_secret").secret().non_empty_text();
  // Absent: the client credentials grant (Salesforce). Present: not empty,
  // so an unset ${VAR} never silently switches the grant.
  if (auto refresh = r.optional("refresh_token"))
    o.refresh_token = refresh->secret().non_empty_text();
  return o;
}

std::string read_app_url(const ObjectReader& block, std::string fallback) {
  const auto app = block.optional("app_url");
  if (!app) return fallback;
  return read_http_url(*app);
}

std::string read_default_region(const ObjectReader& block, const Config& config) {
  const auto region = block.optional("default_region");
  if (!region) return config.numbers.default_region;
  std::string code = region->text();
  if (!is_region_code(code))
    region->fail("expected an ISO 3166 region code such as \"ES\", got " + region->describe());
  return code;
}

std::string read_create_as(const ObjectReader& block, bool creates_contacts) {
  const auto as = block.optional("create_as");
  if (!as) return "lead";
  std::string value = as->text();
  if (value != "lead" && value != "contact")
    as->fail("expected \"lead\" or \"contact\", got " + as->describe());
  // Alone it would be read as "create them", and nothing would be created.
  if (!creates_contacts) as->fail("has no effect without \"create_unknown_contacts\": true");
  return value;
}

void add_crm_adapter(Config& config, std::string type,
                     std::shared_ptr<const adapters::CrmAdapter> adapter) {
  config.crm_adapters.push_back({std::move(type), std::move(adapter)});
}

}  // namespace cti::config
