#include "adapters/common/oauth.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>
#include <vector>

#include "adapters/common/url_query.h"

namespace cti::adapters {
namespace {

using nlohmann::json;

std::string string_at(const json& doc, const char* key) {
  const auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// "invalid_grant (expired access/refresh token)", "invalid_code", "".
// Descriptions are the server's own words and carry no credentials; they are
// cut short in case a server echoes more than it should.
std::string oauth_error(const json& doc) {
  if (!doc.is_object()) return {};
  std::string error = string_at(doc, "error");
  std::string description = string_at(doc, "error_description");
  if (description.size() > 200) description = description.substr(0, 200) + "...";
  if (error.size() > 100) error = error.substr(0, 100) + "...";
  if (!description.empty()) error += (error.empty() ? "" : " ") + ("(" + description + ")");
  return error;
}

}  // namespace

core::HttpRequest token_request(const OAuthOptions& options) {
  std::vector<std::pair<std::string, std::string>> form;
  if (options.refresh_token.empty()) {
    form.emplace_back("grant_type", "client_credentials");
  } else {
    form.emplace_back("grant_type", "refresh_token");
    form.emplace_back("refresh_token", options.refresh_token);
  }
  form.emplace_back("client_id", options.client_id);
  form.emplace_back("client_secret", options.client_secret);
  core::HttpRequest req;
  req.method = "POST";
  req.url = options.token_url;
  req.content_type = "application/x-www-form-urlencoded";
  for (const auto& [key, value] : form) {
    if (!req.body.empty()) req.body += '&';
    req.body += percent_encode(key) + "=" + percent_encode(value);
  }
  return req;
}

std::expected<AccessToken, std::string> parse_token_answer(const core::HttpResponse& response) {
  if (response.status == 0) {
    std::string error = response.body.substr(0, 200);
    return std::unexpected("no answer from the token endpoint" +
                           (error.empty() ? std::string{} : ": " + error));
  }
  const json doc = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const std::string error = oauth_error(doc);
  if (response.status < 200 || response.status >= 300) {
    return std::unexpected("HTTP " + std::to_string(response.status) +
                           (error.empty() ? std::string{} : ": " + error));
  }
  if (!error.empty()) return std::unexpected(error);  // Zoho: 200 {"error": "invalid_code"}
  if (!doc.is_object()) return std::unexpected("the token endpoint's answer is not a JSON object");
  AccessToken token;
  token.access_token = string_at(doc, "access_token");
  if (token.access_token.empty())
    return std::unexpected("the token endpoint's answer has no access_token");
  if (const auto it = doc.find("expires_in"); it != doc.end()) {
    // A number (RFC 6749 §5.1); some servers send it as a string.
    if (it->is_number_integer()) {
      token.expires_in = it->get<long long>();
    } else if (it->is_string()) {
      const auto& text = it->get_ref<const std::string&>();
      long long seconds = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      if (ec == std::errc{} && end == text.data() + text.size()) token.expires_in = seconds;
    }
  }
  return token;
}

}  // namespace cti::adapters
