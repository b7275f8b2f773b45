#include "adapters/common/answers.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace cti::adapters {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<long long> whole_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> header(const core::HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (iequals(key, name)) return value;
  return std::nullopt;
}

bool is_retryable(int status) {
  return status == 0 || status == 408 || status == 425 || status == 429 || status >= 500;
}

std::chrono::seconds retry_hint(const core::HttpResponse& response) {
  // Cap: a CRM asking for more than an hour is treated as an hour; the
  // engine's max_age still bounds the whole job.
  constexpr long long kCap = 3600;
  if (auto v = header(response, "Retry-After"))
    if (auto s = whole_number(*v)) return std::chrono::seconds(std::min(*s, kCap));
  // Pipedrive: seconds until the window resets.
  if (auto v = header(response, "X-RateLimit-Reset"))
    if (auto s = whole_number(*v)) return std::chrono::seconds(std::min(*s, kCap));
  // HubSpot: the window length in ms (its 429s carry no Retry-After).
  if (auto v = header(response, "X-HubSpot-RateLimit-Interval-Milliseconds"))
    if (auto ms = whole_number(*v)) return std::chrono::seconds(std::min((*ms + 999) / 1000, kCap));
  return std::chrono::seconds(0);
}

namespace {

using nlohmann::json;

// The first `max` bytes of `text`, not cutting a UTF-8 sequence in two.
std::string utf8_prefix(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

std::string string_at(const json& j, std::string_view key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The CRM's own words in an error body: "message" (HubSpot, Zoho, Odoo's
// nested error), OAuth's "error_description", Pipedrive's "error" string,
// Zoho's data[0].message, Salesforce's [{"message","errorCode"}]; with the
// code when there is one. "" when the body says nothing readable.
std::string crm_message(const std::string& body) {
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return {};
  const json* at = &j;
  if (j.is_array() && !j.empty())
    at = &j[0];
  else if (j.is_object() && j.contains("data") && j["data"].is_array() && !j["data"].empty() &&
           j["data"][0].is_object() && j["data"][0].contains("message"))
    at = &j["data"][0];
  else if (j.is_object() && j.contains("error") && j["error"].is_object())
    at = &j["error"];
  std::string message = string_at(*at, "message");
  // Odoo: {"error": {"message": "Odoo Server Error", "data": {"message": <the reason>}}}
  if (at->contains("data") && (*at)["data"].is_object() &&
      !string_at((*at)["data"], "message").empty())
    message = string_at((*at)["data"], "message");
  if (message.empty()) message = string_at(*at, "error_description");
  if (message.empty()) message = string_at(*at, "error");
  if (message.empty()) return {};
  std::string code = string_at(*at, "errorCode");
  if (code.empty()) code = string_at(*at, "code");
  if (code.empty()) code = string_at(*at, "category");
  if (code.empty() && message != string_at(*at, "error")) code = string_at(*at, "error");
  return code.empty() || code == message ? message : message + " (" + code + ")";
}

}  // namespace

std::string describe_answer(const core::HttpResponse& response) {
  if (response.status == 0) return "network error: " + utf8_prefix(response.body, 200);
  std::string text = "HTTP " + std::to_string(response.status);
  if (response.body.empty()) return text;
  const std::string message = crm_message(response.body);
  return text + ": " + utf8_prefix(message.empty() ? response.body : message, 200);
}

Step classify_answer(const core::HttpResponse& response, std::string_view what) {
  if (response.status >= 200 && response.status < 300) return Step::done();
  const std::string reason = std::string(what) + ": " + describe_answer(response);
  if (is_retryable(response.status)) return Step::retry(reason, retry_hint(response));
  return Step::fail(reason);
}

}  // namespace cti::adapters
