#pragma once
// Offline checks of a request against an OpenAPI 3 operation (no $ref
// resolution: give it self-contained fragments): the JSON body against the
// request schema (type, required, properties, enum, date-time), and a URL's
// query against the declared parameters (known name, type, enum, required).
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connector/core/time.h"

namespace cti::adapters::openapi {

using nlohmann::json;

inline void check_value(const json& s, const json& value, const std::string& where,
                        std::vector<std::string>& errors) {
  const std::string type = s.value("type", "");
  auto fail = [&](const std::string& what) { errors.push_back(where + ": " + what); };
  if (type == "object") {
    if (!value.is_object()) return fail("expected object, got " + value.dump());
    for (const auto& req : s.value("required", json::array()))
      if (!value.contains(req.get<std::string>())) fail("missing required " + req.dump());
    const json props = s.value("properties", json::object());
    for (const auto& [key, v] : value.items()) {
      if (props.contains(key)) {
        check_value(props[key], v, where + "." + key, errors);
      } else if (s.value("additionalProperties", json(true)) == json(false)) {
        fail("unknown property " + key);
      }
    }
  } else if (type == "array") {
    if (!value.is_array()) return fail("expected array, got " + value.dump());
    for (std::size_t i = 0; i < value.size(); ++i)
      check_value(s.at("items"), value[i], where + "[" + std::to_string(i) + "]", errors);
  } else if (type == "string") {
    if (!value.is_string()) return fail("expected string, got " + value.dump());
    if (s.value("format", "") == "date-time" && !core::parse_rfc3339(value.get<std::string>()))
      fail("not an RFC 3339 date-time: " + value.dump());
  } else if (type == "integer") {
    if (!value.is_number_integer()) return fail("expected integer, got " + value.dump());
  } else if (type == "boolean") {
    if (!value.is_boolean()) return fail("expected boolean, got " + value.dump());
  }
  if (s.contains("enum")) {
    bool found = false;
    for (const auto& e : s["enum"]) found = found || e == value;
    if (!found) fail(value.dump() + " not in enum " + s["enum"].dump());
  }
}

// Problems of `body` against operation.requestBody's application/json schema.
inline std::vector<std::string> check_body(const json& operation, const json& body) {
  std::vector<std::string> errors;
  check_value(operation.at("requestBody").at("content").at("application/json").at("schema"), body,
              "body", errors);
  return errors;
}

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The decoded query of `url` ("" values kept). A '+' stays a '+' here so that
// an unencoded plus (a space to servers) is visible to the caller.
inline std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  const auto q = url.find('?');
  if (q == std::string::npos) return out;
  auto decode = [](std::string_view s) {
    std::string d;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
        d += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
        i += 2;
      } else {
        d += s[i];
      }
    }
    return d;
  };
  std::string_view rest(url);
  rest.remove_prefix(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    out[decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? std::string{} : decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

// Problems of the query of `url` against operation.parameters (in: query).
inline std::vector<std::string> check_query(const json& operation, const std::string& url) {
  std::vector<std::string> errors;
  const auto query = query_of(url);
  std::map<std::string, json> declared;
  for (const json& p : operation.value("parameters", json::array())) {
    if (p.value("in", "") != "query") continue;
    declared[p["name"].get<std::string>()] = p;
    if (p.value("required", false) && !query.contains(p["name"].get<std::string>()))
      errors.push_back("missing required query parameter " + p["name"].get<std::string>());
  }
  for (const auto& [name, value] : query) {
    const auto it = declared.find(name);
    if (it == declared.end()) {
      errors.push_back("undeclared query parameter " + name);
      continue;
    }
    const json& s = it->second.value("schema", json::object());
    json typed = value;
    const std::string type = s.value("type", "string");
    if (type == "integer") {
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
        errors.push_back(name + ": expected integer, got " + value);
        continue;
      }
      typed = std::stoll(value);
    } else if (type == "boolean") {
      if (value != "true" && value != "false") {
        errors.push_back(name + ": expected boolean, got " + value);
        continue;
      }
      typed = value == "true";
    }
    check_value(s, typed, name, errors);
  }
  return errors;
}

}  // namespace cti::adapters::openapi
