#pragma once
// Zoho's OAuth server follows the data centre: a refresh token works only at
// the accounts host of the data centre that issued it (Zoho "Multi DC
// support": accounts.zoho.com, .eu, .in, .com.au, .jp, .sa, and
// accounts.zohocloud.ca for Canada).
#include <optional>
#include <string>
#include <string_view>

namespace cti::adapters::zoho {

// "https://accounts.zoho.eu/oauth/v2/token" for the API base URL
// "https://www.zohoapis.eu" (with or without "www.", a path or a trailing
// slash); nullopt when `api_base_url` is not a known zohoapis host (a proxy,
// a test server): the token URL must then be configured.
std::optional<std::string> token_url_for(std::string_view api_base_url);

}  // namespace cti::adapters::zoho
