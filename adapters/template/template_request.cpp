#include "adapters/template/template_request.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace cti::adapters::tmpl {
namespace {

using nlohmann::json;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "42" -> 42, "2.5" -> 2.5, "" -> null; text that is no number stays text
// (the CRM then says what is wrong, in its own words).
json as_json_number(const std::string& text) {
  if (text.empty()) return nullptr;
  const char* end = text.data() + text.size();
  long long i = 0;
  if (auto [p, ec] = std::from_chars(text.data(), end, i); ec == std::errc{} && p == end) return i;
  double d = 0;
  if (auto [p, ec] = std::from_chars(text.data(), end, d);
      ec == std::errc{} && p == end && std::isfinite(d))
    return d;
  return text;
}

std::optional<std::string> render_header(const HeaderTemplate& h, const Values& values,
                                         const Maps& maps) {
  std::string v = render(h.value, values, maps);
  const Placeholder* whole = h.value.whole();
  if (v.empty() && whole && whole->has(FilterKind::OmitEmpty)) return std::nullopt;
  // A header value cannot hold a line break (header injection).
  std::erase_if(v, [](char c) { return c == '\r' || c == '\n'; });
  return v;
}

}  // namespace

std::optional<json> render_body(const BodyTemplate& b, const Values& values, const Maps& maps) {
  switch (b.kind) {
    case BodyTemplate::Kind::Literal:
      return b.literal;
    case BodyTemplate::Kind::Text: {
      std::string text = render(b.text, values, maps);
      if (const Placeholder* whole = b.text.whole()) {
        if (text.empty() && whole->has(FilterKind::OmitEmpty)) return std::nullopt;
        if (whole->has(FilterKind::Number)) return as_json_number(text);
      }
      return json(std::move(text));
    }
    case BodyTemplate::Kind::Object: {
      json out = json::object();
      for (const BodyTemplate& item : b.items)
        if (auto v = render_body(item, values, maps)) out[item.key] = std::move(*v);
      return out;
    }
    case BodyTemplate::Kind::Array: {
      json out = json::array();
      for (const BodyTemplate& item : b.items)
        if (auto v = render_body(item, values, maps)) out.push_back(std::move(*v));
      return out;
    }
  }
  return std::nullopt;
}

core::HttpRequest render_request(const RequestTemplate& t,
                                 const std::vector<HeaderTemplate>& common, const Values& values,
                                 const Maps& maps) {
  core::HttpRequest req;
  req.method = t.method;
  req.url = render(t.url, values, maps);
  for (const HeaderTemplate& h : common) {
    const bool replaced =
        std::any_of(t.headers.begin(), t.headers.end(),
                    [&](const HeaderTemplate& o) { return iequals(o.name, h.name); });
    if (replaced) continue;
    if (auto v = render_header(h, values, maps)) req.headers.emplace_back(h.name, std::move(*v));
  }
  for (const HeaderTemplate& h : t.headers)
    if (auto v = render_header(h, values, maps)) req.headers.emplace_back(h.name, std::move(*v));
  req.content_type = t.content_type;
  if (t.json_body) {
    // A PBX may hand us caller names that are not UTF-8: replace, never throw.
    if (auto body = render_body(*t.json_body, values, maps))
      req.body = body->dump(-1, ' ', false, json::error_handler_t::replace);
  } else if (t.text_body) {
    req.body = render(*t.text_body, values, maps);
  }
  return req;
}

}  // namespace cti::adapters::tmpl
