#include "adapters/template/template_filters.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace cti::adapters::tmpl {
namespace {

std::optional<double> as_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

// Rounding a double that does not fit a long long is undefined behaviour.
std::optional<long long> rounded(double v) {
  if (!(std::fabs(v) < 9.0e15)) return std::nullopt;
  return std::llround(v);
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (const unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string time_text(const std::string& value, const char* format) {
  const auto t = parse_crm_time(value);
  if (!t) return {};
  const auto secs = std::chrono::floor<std::chrono::seconds>(*t).time_since_epoch().count();
  const std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (!gmtime_r(&tt, &tm)) return {};
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

std::string map_value(const Filter& f, const std::string& value, const Maps& maps) {
  const auto m = maps.find(f.arg.empty() ? kDefaultMap : std::string_view(f.arg));
  if (m == maps.end()) return {};
  if (auto it = m->second.find(value); it != m->second.end()) return it->second;
  // "voicemail.outbound" falls back to "voicemail" (call.outcome).
  if (const auto dot = value.find('.'); dot != std::string::npos) {
    if (auto it = m->second.find(std::string_view(value).substr(0, dot)); it != m->second.end())
      return it->second;
  }
  return {};
}

}  // namespace

std::string number_text(double value) {
  if (auto whole = rounded(value); whole && static_cast<double>(*whole) == value)
    return std::to_string(*whole);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", value);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::optional<core::Timestamp> parse_crm_time(std::string_view text) {
  if (auto t = core::parse_rfc3339(text)) return t;
  // "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC.
  if (text.size() >= 19 && text[10] == ' ') {
    std::string iso(text);
    iso[10] = 'T';
    iso += 'Z';
    return core::parse_rfc3339(iso);
  }
  return std::nullopt;
}

std::string apply(const Filter& f, const std::string& value, const Maps& maps) {
  using K = FilterKind;
  switch (f.kind) {
    case K::Url:
      return url_encode(value);
    case K::Json:
      return json_escape(value);
    case K::Html:
      return html_escape(value);
    case K::Int:
    case K::Ms: {
      const auto v = as_number(value);
      if (!v) return {};
      const auto r = rounded(f.kind == K::Ms ? *v * 1000.0 : *v);
      return r ? std::to_string(*r) : std::string{};
    }
    case K::Minutes: {
      const auto v = as_number(value);
      if (!v) return {};
      const auto hundredths = rounded(*v / 60.0 * 100.0);
      return hundredths ? number_text(static_cast<double>(*hundredths) / 100.0) : std::string{};
    }
    case K::Mmss: {
      const auto v = as_number(value);
      const auto s = v ? rounded(*v) : std::nullopt;
      if (!s || *s < 0) return {};
      char buf[48];
      std::snprintf(buf, sizeof buf, "%02lld:%02lld", *s / 60, *s % 60);
      return buf;
    }
    case K::Upper:
    case K::Lower:
    case K::Capitalize: {
      std::string out = value;
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (f.kind == K::Upper || (f.kind == K::Capitalize && i == 0))
          out[i] = static_cast<char>(std::toupper(c));
        else if (f.kind == K::Lower)
          out[i] = static_cast<char>(std::tolower(c));
      }
      return out;
    }
    case K::Digits: {
      std::string out;
      for (const char c : value)
        if (c >= '0' && c <= '9') out += c;
      return out;
    }
    case K::Default:
      return value.empty() ? f.arg : value;
    case K::Map:
      return map_value(f, value, maps);
    case K::Rfc3339:
      return time_text(value, "%Y-%m-%dT%H:%M:%SZ");
    case K::UtcSql:
      return time_text(value, "%Y-%m-%d %H:%M:%S");
    case K::Date:
      return time_text(value, "%Y-%m-%d");
    case K::Epoch:
    case K::EpochMs: {
      const auto t = parse_crm_time(value);
      if (!t) return {};
      const auto ms = std::chrono::floor<std::chrono::milliseconds>(*t).time_since_epoch().count();
      return std::to_string(f.kind == K::EpochMs ? ms : ms / 1000);
    }
    case K::Number:
    case K::OmitEmpty:
      return value;  // they change how a body value is emitted, not its text
  }
  return value;
}

}  // namespace cti::adapters::tmpl
