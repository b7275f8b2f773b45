#include "connector/api/problem.h"

#include <nlohmann/json.hpp>

namespace cti::api {

namespace http = boost::beast::http;

std::string_view slug(Problem p) {
  switch (p) {
    case Problem::BadRequest:
      return "bad-request";
    case Problem::Unauthorized:
      return "unauthorized";
    case Problem::NotFound:
      return "not-found";
    case Problem::MethodNotAllowed:
      return "method-not-allowed";
    case Problem::Forbidden:
      return "forbidden";
    case Problem::CallDenied:
      return "call-denied";
    case Problem::Conflict:
      return "conflict";
    case Problem::PayloadTooLarge:
      return "payload-too-large";
    case Problem::UnsupportedMediaType:
      return "unsupported-media-type";
    case Problem::InvalidNumber:
      return "invalid-number";
    case Problem::Unprocessable:
      return "unprocessable";
    case Problem::HeadersTooLarge:
      return "headers-too-large";
    case Problem::Internal:
      return "internal";
    case Problem::PbxUnavailable:
      return "pbx-unavailable";
    case Problem::ServiceUnavailable:
      return "service-unavailable";
    case Problem::CrmError:
      return "crm-error";
  }
  return "internal";
}

std::string_view title(Problem p) {
  switch (p) {
    case Problem::BadRequest:
      return "Bad request";
    case Problem::Unauthorized:
      return "Unauthorized";
    case Problem::NotFound:
      return "Not found";
    case Problem::MethodNotAllowed:
      return "Method not allowed";
    case Problem::Forbidden:
      return "Forbidden";
    case Problem::CallDenied:
      return "Call denied by the dialing policy";
    case Problem::Conflict:
      return "Conflict";
    case Problem::PayloadTooLarge:
      return "Payload too large";
    case Problem::UnsupportedMediaType:
      return "Unsupported media type";
    case Problem::InvalidNumber:
      return "Invalid phone number";
    case Problem::Unprocessable:
      return "Unprocessable request";
    case Problem::HeadersTooLarge:
      return "Request header fields too large";
    case Problem::Internal:
      return "Internal server error";
    case Problem::PbxUnavailable:
      return "PBX unavailable";
    case Problem::ServiceUnavailable:
      return "Service unavailable";
    case Problem::CrmError:
      return "The CRM did not accept the request";
  }
  return "Internal server error";
}

http::status status_of(Problem p) {
  switch (p) {
    case Problem::BadRequest:
      return http::status::bad_request;
    case Problem::Unauthorized:
      return http::status::unauthorized;
    case Problem::NotFound:
      return http::status::not_found;
    case Problem::MethodNotAllowed:
      return http::status::method_not_allowed;
    case Problem::Forbidden:
    case Problem::CallDenied:
      return http::status::forbidden;
    case Problem::Conflict:
      return http::status::conflict;
    case Problem::PayloadTooLarge:
      return http::status::payload_too_large;
    case Problem::UnsupportedMediaType:
      return http::status::unsupported_media_type;
    case Problem::InvalidNumber:
    case Problem::Unprocessable:
      return http::status::unprocessable_entity;
    case Problem::HeadersTooLarge:
      return http::status::request_header_fields_too_large;
    case Problem::Internal:
      return http::status::internal_server_error;
    case Problem::PbxUnavailable:
    case Problem::ServiceUnavailable:
      return http::status::service_unavailable;
    case Problem::CrmError:
      return http::status::bad_gateway;
  }
  return http::status::internal_server_error;
}

void add_common_headers(Response& res) {
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
}

Response make_problem(Problem p, std::string_view detail, std::string_view instance,
                      unsigned http_version) {
  return make_problem(p, detail, instance, http_version, nlohmann::json::object());
}

Response make_problem(Problem p, std::string_view detail, std::string_view instance,
                      unsigned http_version, const nlohmann::json& extensions) {
  nlohmann::json body = {
      {"type", std::string(problem_type_base) + std::string(slug(p))},
      {"title", title(p)},
      {"status", static_cast<int>(status_of(p))},
      {"detail", detail},
      {"instance", instance},
  };
  for (const auto& [key, value] : extensions.items())
    if (!body.contains(key)) body[key] = value;  // the standard members stay as set
  Response res{status_of(p), http_version};
  res.set(http::field::content_type, std::string(problem_content_type));
  if (p == Problem::Unauthorized) res.set(http::field::www_authenticate, "Bearer");
  add_common_headers(res);
  // Replace invalid UTF-8 (e.g. from a percent-decoded path) instead of throwing.
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

}  // namespace cti::api
