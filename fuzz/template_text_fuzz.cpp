// libFuzzer target for the template adapter's placeholder language (a parser
// fed by integrators' config files) and what it renders. The input is split at
// its first '\n': the template text, then the value every placeholder gets
// (caller ids are hostile too). Hostile input must give an error or a result,
// never a crash; what parses must behave: a text without "{{" renders as
// itself, |url output is only unreserved characters and %XX, and a JSON body
// always stays valid JSON whose strings hold exactly what was rendered.
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "adapters/template/template_condition.h"
#include "adapters/template/template_filters.h"
#include "adapters/template/template_request.h"
#include "adapters/template/template_text.h"

using namespace cti::adapters::tmpl;

namespace {

bool url_safe(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') continue;
    if (c != '%' || i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return false;
    i += 2;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  const std::string_view source = in.substr(0, nl);
  const std::string value(nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1));

  (void)parse_crm_time(value);
  (void)Condition::parse(source);

  auto text = Text::parse(source);
  if (!text) return 0;
  Values values;
  Maps maps{{std::string(kDefaultMap), {{value, value}, {"answered", "Held"}}}};
  for (const auto& piece : text->pieces()) {
    if (!piece.is_placeholder) continue;
    values[piece.placeholder.name] = value;
    for (const Filter& f : piece.placeholder.filters)
      if (f.kind == FilterKind::Map && !f.arg.empty()) maps[f.arg] = {{value, f.arg}};
  }
  const std::string out = render(*text, values, maps);
  if (source.find("{{") == std::string_view::npos && out != source) std::abort();
  if (const Placeholder* whole = text->whole()) {
    if (!whole->filters.empty() && whole->filters.back().kind == FilterKind::Url && !url_safe(out))
      std::abort();
  }

  // As a JSON body value: never anything but valid JSON.
  RequestTemplate request;
  request.method = "POST";
  request.url = *Text::parse("http://crm.invalid/x");
  BodyTemplate leaf;
  leaf.kind = BodyTemplate::Kind::Text;
  leaf.text = *text;
  BodyTemplate body;
  body.kind = BodyTemplate::Kind::Object;
  leaf.key = "v";
  body.items.push_back(leaf);
  BodyTemplate list;
  list.kind = BodyTemplate::Kind::Array;
  list.key = "list";
  list.items.push_back(leaf);
  body.items.push_back(list);
  request.json_body = body;
  const auto req = render_request(request, {{"X-H", *text}}, values, maps);
  const auto doc = nlohmann::json::parse(req.body, nullptr, false);
  if (!doc.is_object()) std::abort();
  for (const auto& [k, v] : req.headers)
    if (v.find('\n') != std::string::npos || v.find('\r') != std::string::npos) std::abort();
  return 0;
}
