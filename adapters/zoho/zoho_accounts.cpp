#include "adapters/zoho/zoho_accounts.h"

#include <utility>

namespace cti::adapters::zoho {

std::optional<std::string> token_url_for(std::string_view url) {
  // The host: after "scheme://", before any port, path or query.
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos)
    url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of(":/?#"));
  if (url.starts_with("www.")) url.remove_prefix(4);
  static constexpr std::pair<std::string_view, std::string_view> kAccounts[] = {
      {"zohoapis.com", "accounts.zoho.com"}, {"zohoapis.eu", "accounts.zoho.eu"},
      {"zohoapis.in", "accounts.zoho.in"},   {"zohoapis.com.au", "accounts.zoho.com.au"},
      {"zohoapis.jp", "accounts.zoho.jp"},   {"zohoapis.ca", "accounts.zohocloud.ca"},
      {"zohoapis.sa", "accounts.zoho.sa"},
  };
  for (const auto& [api, accounts] : kAccounts)
    if (url == api) return "https://" + std::string(accounts) + "/oauth/v2/token";
  return std::nullopt;
}

}  // namespace cti::adapters::zoho
