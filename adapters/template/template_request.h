#pragma once
// A request of the template adapter as configured (method, URL, headers,
// body with placeholders) and its rendering into a core::HttpRequest.
// Bodies are built as JSON values, never by pasting text: a caller id like
// `"},"x":"` stays inside its string.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/template/template_condition.h"
#include "adapters/template/template_text.h"
#include "connector/core/http_request.h"

namespace cti::adapters::tmpl {

// A JSON body whose strings are texts with placeholders (object keys are
// literal). A string that is exactly one placeholder may end in `|number`
// (emit a JSON number; "" -> null) or `|omit_empty` (drop the key/element).
struct BodyTemplate {
  enum class Kind { Literal, Text, Object, Array };
  Kind kind = Kind::Literal;
  std::string key;                  // its key in the parent object ("" in arrays)
  nlohmann::json literal;           // Literal
  Text text;                        // Text
  std::vector<BodyTemplate> items;  // Object members / Array elements
};

struct HeaderTemplate {
  std::string name;
  Text value;  // a whole `{{x|omit_empty}}` that renders "" drops the header
};

struct RequestTemplate {
  std::string method = "GET";
  Text url;
  std::vector<HeaderTemplate> headers;  // over the adapter-wide ones (same name replaces)
  std::optional<BodyTemplate> json_body;
  std::optional<Text> text_body;  // "body": "a=1&b={{x|url}}" with its content_type
  std::string content_type = "application/json";
  std::vector<Condition> when;  // empty = always
};

// `common`: the adapter-wide headers ("headers" at the top of the config).
core::HttpRequest render_request(const RequestTemplate& request,
                                 const std::vector<HeaderTemplate>& common, const Values& values,
                                 const Maps& maps);

// nullopt when the value is omitted (`omit_empty`).
std::optional<nlohmann::json> render_body(const BodyTemplate& body, const Values& values,
                                          const Maps& maps);

}  // namespace cti::adapters::tmpl
