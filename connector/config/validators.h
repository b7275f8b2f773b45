#pragma once
// Pure checks of the formats a config value may have.
#include <string_view>

namespace cti::config {

// "ES": an ISO 3166-1 alpha-2 code as libphonenumber expects it.
bool is_region_code(std::string_view s);
// "+34912000100": '+', a non-zero digit, 7 to 15 digits in all.
bool is_e164(std::string_view s);
// "1001": digits only, 1..max_digits long.
bool is_extension(std::string_view s, int max_digits);
// "127.0.0.1:8080", "localhost:80", "[::1]:8080", "0.0.0.0:0" (port 0..65535).
bool is_listen_address(std::string_view s);
// "http://host[:port][/path]" or "https://...": scheme, a host, a valid port.
bool is_http_url(std::string_view s);
// A CSP frame-ancestors source naming who may embed the agent panel:
// "'self'", or an origin "https://crm.example.com[:port]" whose host may
// start with "*." (subdomains). No path, no bare "*" or scheme-only source.
bool is_frame_ancestor(std::string_view s);

}  // namespace cti::config
