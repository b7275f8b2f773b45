#include "adapters/salesforce/salesforce_config.h"

#include <cctype>

#include "adapters/salesforce/salesforce_adapter.h"
#include "connector/config/crm_common.h"

namespace cti::adapters {
namespace {

// "61.0": digits, a dot, digits (the "v" of the URL is ours to add).
bool is_api_version(std::string_view v) {
  const auto dot = v.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == v.size()) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != dot && !std::isdigit(static_cast<unsigned char>(v[i]))) return false;
  }
  return true;
}

}  // namespace

std::string parse_salesforce_crm(const config::Node& block, config::Config& out) {
  const config::ObjectReader r =
      block.object({"type", "name", "base_url", "token", "users", "api_version", "app_url",
                    "default_region", "create_unknown_contacts", "create_as", "oauth"});
  // No default base URL: the instance URL is the org's own. With "oauth" the
  // token is fetched (a given one is used first).
  const bool oauth = r.optional("oauth").has_value();
  const config::CrmCommon common = config::read_crm_common(r, out, "", !oauth);
  SalesforceOptions o;
  o.name = common.name;
  o.base_url = common.base_url;
  o.token = common.token;
  // The token endpoint of the org's My Domain (the instance URL), which the
  // client credentials flow requires and the refresh flow accepts.
  o.oauth = config::read_oauth(r, common.base_url + "/services/oauth2/token");
  o.users = common.users;
  if (auto version = r.optional("api_version")) {
    o.api_version = version->text();
    if (o.api_version.starts_with('v')) o.api_version.erase(0, 1);
    if (!is_api_version(o.api_version))
      version->fail("expected a REST API version such as \"61.0\", got " + version->describe());
  }
  o.app_url = config::read_app_url(r, o.app_url);
  o.default_region = config::read_default_region(r, out);
  r.read("create_unknown_contacts", o.create_unknown_contacts);
  o.create_as = config::read_create_as(r, o.create_unknown_contacts);
  config::add_crm_adapter(out, "salesforce", std::make_shared<SalesforceAdapter>(std::move(o)));
  return common.name;
}

}  // namespace cti::adapters
