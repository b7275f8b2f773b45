#include "adapters/pipedrive/pipedrive_config.h"

#include <algorithm>

#include "adapters/pipedrive/pipedrive_adapter.h"
#include "connector/config/crm_common.h"

namespace cti::adapters {

std::string parse_pipedrive_crm(const config::Node& block, config::Config& out) {
  const config::ObjectReader r =
      block.object({"type", "name", "base_url", "token", "users", "app_url", "default_region",
                    "lookup_limit", "create_unknown_contacts"});
  // No default base URL: each account has its own company domain (decisions.md).
  const config::CrmCommon common = config::read_crm_common(r, out, "");
  PipedriveOptions o;
  o.name = common.name;
  o.base_url = common.base_url;
  o.token = common.token;
  o.users = common.users;
  // callLogs.user_id is an integer: a user name or e-mail here would be
  // dropped silently at call time, so refuse it now.
  if (auto users = r.optional("users")) {
    for (const auto& [agent, user] : users->members()) {
      const std::string id = user.text();
      if (!std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
        user.fail("expected a Pipedrive user id (digits), got " + user.describe());
    }
  }
  o.app_url = config::read_app_url(r, o.app_url);
  o.default_region = config::read_default_region(r, out);
  r.read("lookup_limit", o.lookup_limit, 1, 500);
  r.read("create_unknown_contacts", o.create_unknown_contacts);
  config::add_crm_adapter(out, "pipedrive", std::make_shared<PipedriveAdapter>(std::move(o)));
  return common.name;
}

}  // namespace cti::adapters
