#pragma once
// URLs for CRM requests: base URLs, and query strings for CRMs whose
// lookups are GET requests (Pipedrive, Zoho, Salesforce).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cti::adapters {

// A base URL without trailing slashes, so "{base}/path" never doubles one
// (adapters built directly, as in tests, skip the config's own trimming).
std::string trim_slash(std::string url);

// RFC 3986 percent-encoding of a query value: everything but the unreserved
// characters (A-Z a-z 0-9 - . _ ~) is encoded, so "+34..." becomes "%2B34..."
// (a raw '+' would reach the CRM as a space).
std::string percent_encode(std::string_view text);

// "?k1=v1&k2=v2" with every key and value encoded; "" when `params` is empty.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace cti::adapters
