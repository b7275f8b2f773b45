#include "adapters/common/answers.h"

#include <algorithm>
#include <cctype>
#include <charconv>

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

std::string describe_answer(const core::HttpResponse& response) {
  if (response.status == 0) return "network error: " + response.body.substr(0, 200);
  std::string text = "HTTP " + std::to_string(response.status);
  if (!response.body.empty()) text += ": " + response.body.substr(0, 200);
  return text;
}

Step classify_answer(const core::HttpResponse& response, std::string_view what) {
  if (response.status >= 200 && response.status < 300) return Step::done();
  const std::string reason = std::string(what) + ": " + describe_answer(response);
  if (is_retryable(response.status)) return Step::retry(reason, retry_hint(response));
  return Step::fail(reason);
}

}  // namespace cti::adapters
