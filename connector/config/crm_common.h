#pragma once
// What every CRM block shares: {"type", "name", "base_url", "token",
// "users"}. Each CRM's own parser (adapters/<crm>/<crm>_config.cpp) reads
// these through read_crm_common and its own keys itself.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/oauth.h"
#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::config {

struct CrmCommon {
  std::string name;
  std::string base_url;  // no trailing slash
  std::string token;     // never logged; "" only when the CRM takes none
  // Our agent id (or extension) -> the CRM's user/owner id. Keys must be
  // configured agents: a typo would silently log calls without an owner.
  // Each entry is keyed by both the agent's id and extension, because call
  // records name agents by extension.
  std::map<std::string, std::string> users;
};

// A string that is an http:// or https:// URL with a host, or the failure
// every URL key of a CRM block reports.
std::string read_http_url(const Node& node);

// `default_base_url`: the vendor's API ("" = base_url is required).
CrmCommon read_crm_common(const ObjectReader& block, const Config& config,
                          std::string_view default_base_url, bool token_required = true);

// "oauth": {"token_url"?, "client_id", "client_secret", "refresh_token"?}:
// refresh the CRM's expiring access token (adapters/common/oauth.h); nullopt
// when the block has no "oauth". `default_token_url` when token_url is
// absent; "" = token_url is required, `why_required` says why. The scheme is
// the adapter's to set. Secrets (client_secret, refresh_token) are read as
// secrets: error messages show only their JSON type.
std::optional<adapters::OAuthOptions> read_oauth(const ObjectReader& block,
                                                 std::string_view default_token_url,
                                                 std::string_view why_required = {});

// "app_url": the CRM's web app, for record links (an http(s) URL);
// `fallback` when absent.
std::string read_app_url(const ObjectReader& block, std::string fallback);
// "default_region": the ISO 3166 region whose national number form lookups
// also try; numbers.default_region when absent.
std::string read_default_region(const ObjectReader& block, const Config& config);

// "create_as": what an unknown caller becomes in CRMs with both objects
// (Zoho, Salesforce): "lead" (the default) or "contact". Given while
// `creates_contacts` (create_unknown_contacts) is false, it is refused.
std::string read_create_as(const ObjectReader& block, bool creates_contacts);

// Appends a built adapter to config.crm_adapters.
void add_crm_adapter(Config& config, std::string type,
                     std::shared_ptr<const adapters::CrmAdapter> adapter);

}  // namespace cti::config
