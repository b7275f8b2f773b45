#include "connector/config/validators.h"

#include <algorithm>
#include <charconv>

namespace cti::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool is_port(std::string_view s, unsigned min) {
  if (!all_digits(s) || s.size() > 5) return false;
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v >= min && v <= 65535;
}

// A DNS name or dotted IPv4: letters, digits, '-', '.', not starting or ending
// with '.' or '-'.
bool is_host_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.front() == '.' || s.front() == '-' || s.back() == '.' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.';
  });
}

bool is_bracketed_ipv6(std::string_view s) {
  if (s.size() < 4 || s.front() != '[' || s.back() != ']') return false;
  const std::string_view inner = s.substr(1, s.size() - 2);
  return inner.find(':') != std::string_view::npos &&
         std::all_of(inner.begin(), inner.end(), [](char c) {
           return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                  c == '.';
         });
}

bool is_host(std::string_view s) { return is_host_name(s) || is_bracketed_ipv6(s); }

// host[:port], splitting at the last ':' outside IPv6 brackets.
bool is_authority(std::string_view s, bool port_required, unsigned min_port) {
  const std::size_t bracket = s.rfind(']');
  std::size_t colon = s.rfind(':');
  if (colon != std::string_view::npos && bracket != std::string_view::npos && colon < bracket) {
    colon = std::string_view::npos;
  }
  if (colon == std::string_view::npos) return !port_required && is_host(s);
  return is_host(s.substr(0, colon)) && is_port(s.substr(colon + 1), min_port);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = s[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool is_region_code(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

bool is_e164(std::string_view s) {
  if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  return all_digits(s.substr(1));
}

bool is_extension(std::string_view s, int max_digits) {
  return all_digits(s) && s.size() <= static_cast<std::size_t>(max_digits);
}

bool is_frame_ancestor(std::string_view s) {
  if (s == "'self'") return true;
  std::size_t scheme_len = 0;
  if (s.starts_with("https://"))
    scheme_len = 8;
  else if (s.starts_with("http://"))
    scheme_len = 7;
  else
    return false;
  std::string_view authority = s.substr(scheme_len);
  if (authority.starts_with("*.")) authority.remove_prefix(2);
  // A port may be "*" in CSP; anything else goes through the usual checks.
  if (authority.ends_with(":*")) authority.remove_suffix(2);
  return is_authority(authority, /*port_required=*/false, 1);
}

bool is_listen_address(std::string_view s) { return is_authority(s, /*port_required=*/true, 0); }

bool is_http_url(std::string_view s) {
  std::size_t scheme_len = 0;
  if (starts_with_ci(s, "http://"))
    scheme_len = 7;
  else if (starts_with_ci(s, "https://"))
    scheme_len = 8;
  else
    return false;
  const std::string_view rest = s.substr(scheme_len);
  if (std::any_of(rest.begin(), rest.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    return false;
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  // Userinfo is allowed by RFC 3986; only the host part is checked.
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return is_authority(authority, /*port_required=*/false, 1);
}

}  // namespace cti::config
