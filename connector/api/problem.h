#pragma once
// RFC 9457 problem details: every API error is application/problem+json with
// a stable type URI https://cti-connector.dev/problems/<slug>. Clients match
// on the slug; title and detail are for humans.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "connector/api/http_types.h"

namespace cti::api {

enum class Problem {
  BadRequest,            // 400 bad-request
  Unauthorized,          // 401 unauthorized (adds WWW-Authenticate: Bearer)
  NotFound,              // 404 not-found
  MethodNotAllowed,      // 405 method-not-allowed (caller adds Allow)
  Forbidden,             // 403 forbidden (authenticated, but not allowed to do this)
  CallDenied,            // 403 call-denied (the dialing policy refused; body lists every reason)
  Conflict,              // 409 conflict
  PayloadTooLarge,       // 413 payload-too-large
  UnsupportedMediaType,  // 415 unsupported-media-type
  InvalidNumber,         // 422 invalid-number (not a valid, assigned phone number)
  Unprocessable,         // 422 unprocessable (well-formed JSON with a wrong field)
  HeadersTooLarge,       // 431 headers-too-large
  Internal,              // 500 internal
  PbxUnavailable,        // 503 pbx-unavailable (Retry-After set by the caller)
  ServiceUnavailable,    // 503 service-unavailable (a limit; Retry-After set by the caller)
  CrmError,              // 502 crm-error (the CRM refused or failed; detail says how)
};

std::string_view slug(Problem p);
std::string_view title(Problem p);
boost::beast::http::status status_of(Problem p);
inline constexpr std::string_view problem_type_base = "https://cti-connector.dev/problems/";
inline constexpr std::string_view problem_content_type = "application/problem+json";

// Headers every API response carries (caching off, no MIME sniffing).
void add_common_headers(Response& res);

// A complete problem response: body, content type, common headers, length.
// instance is the request path (never the query, which may hold secrets).
Response make_problem(Problem p, std::string_view detail, std::string_view instance,
                      unsigned http_version = 11);
// Same, with extension members (RFC 9457 §3.2) such as "reasons".
Response make_problem(Problem p, std::string_view detail, std::string_view instance,
                      unsigned http_version, const nlohmann::json& extensions);

}  // namespace cti::api
