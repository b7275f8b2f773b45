#include "adapters/hubspot/hubspot_config.h"

#include "adapters/hubspot/hubspot_adapter.h"
#include "connector/config/crm_common.h"

namespace cti::adapters {

std::string parse_hubspot_crm(const config::Node& block, config::Config& out) {
  const config::ObjectReader r = block.object(
      {"type", "name", "base_url", "token", "users", "portal_id", "app_url", "default_region",
       "create_unknown_contacts", "call_id_property", "lookup_limit"});
  const config::CrmCommon common = config::read_crm_common(r, out, "https://api.hubapi.com");
  HubspotOptions o;
  o.name = common.name;
  o.base_url = common.base_url;
  o.token = common.token;
  o.users = common.users;
  r.read("portal_id", o.portal_id);
  o.app_url = config::read_app_url(r, o.app_url);
  o.default_region = config::read_default_region(r, out);
  r.read("create_unknown_contacts", o.create_unknown_contacts);
  r.read("call_id_property", o.call_id_property);
  r.read("lookup_limit", o.lookup_limit, 1, 200);
  config::add_crm_adapter(out, "hubspot", std::make_shared<HubspotAdapter>(std::move(o)));
  return common.name;
}

}  // namespace cti::adapters
