#include "adapters/zoho/zoho_config.h"

#include "adapters/zoho/zoho_accounts.h"
#include "adapters/zoho/zoho_adapter.h"
#include "connector/config/crm_common.h"
#include "connector/config/json_path.h"

namespace cti::adapters {

std::string parse_zoho_crm(const config::Node& block, config::Config& out) {
  const config::ObjectReader r = block.object(
      {"type", "name", "base_url", "data_centre", "token", "users", "app_url", "call_results",
       "call_id_field", "lookup_limit", "create_unknown_contacts", "create_as", "oauth"});
  // The data centre picks the vendor URL; base_url (tests, the token's
  // api_domain) names it directly. Both at once would be ambiguous.
  std::string default_url = "https://www.zohoapis.com";
  if (auto dc = r.optional("data_centre")) {
    if (r.optional("base_url")) dc->fail("give either base_url or data_centre, not both");
    const auto url = zoho::data_centre_url(dc->non_empty_text());
    if (!url)
      dc->fail("expected one of \"com\", \"eu\", \"in\", \"com.au\", \"jp\", \"ca\", \"sa\", got " +
               dc->describe());
    default_url = *url;
  }
  const bool oauth = r.optional("oauth").has_value();
  const config::CrmCommon common = config::read_crm_common(r, out, default_url, !oauth);
  ZohoOptions o;
  o.name = common.name;
  o.base_url = common.base_url;
  o.token = common.token;
  // The accounts host of base_url's data centre; another base_url (a proxy)
  // must name the token URL: a refresh token works only where it was issued.
  o.oauth = config::read_oauth(r, zoho::token_url_for(common.base_url).value_or(""),
                               "base_url names no Zoho data centre (www.zohoapis.<dc>)");
  if (o.oauth && o.oauth->refresh_token.empty()) {
    // Zoho CRM has no client credentials grant: a self client's grant token
    // is exchanged once (by hand) for the refresh token configured here.
    throw config::ConfigFailure{
        config::ConfigError{config::key_path(r.required("oauth").path(), "refresh_token"),
                            "missing required key: Zoho issues access tokens for a refresh token"}};
  }
  o.users = common.users;
  o.app_url = config::read_app_url(r, o.app_url);
  if (auto results = r.optional("call_results")) {
    for (const auto& [disposition, value] : results->members()) {
      bool known = false;
      for (const auto d :
           {core::Disposition::Answered, core::Disposition::Missed, core::Disposition::Busy,
            core::Disposition::Failed, core::Disposition::Abandoned, core::Disposition::Voicemail})
        known = known || core::to_string(d) == disposition;
      if (!known)
        value.fail("\"" + disposition +
                   "\" is not a disposition (answered, missed, busy, failed, abandoned, "
                   "voicemail)");
      o.call_results[disposition] = value.non_empty_text();
    }
  }
  r.read("call_id_field", o.call_id_field);
  r.read("lookup_limit", o.lookup_limit, 1, 200);
  r.read("create_unknown_contacts", o.create_unknown_contacts);
  o.create_as = config::read_create_as(r, o.create_unknown_contacts);
  config::add_crm_adapter(out, "zoho", std::make_shared<ZohoAdapter>(std::move(o)));
  return common.name;
}

}  // namespace cti::adapters
