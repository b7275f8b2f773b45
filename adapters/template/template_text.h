#pragma once
// The placeholder mini-language of the template adapter:
//   "Inbound call {{call.from}}"   "{{number.e164|url}}"
//   "{{call.talk_s|int}}"          "{{agent.crm_user|default:unassigned}}"
// A text is literal text and `{{name|filter|filter:arg}}` placeholders. This
// file only knows the syntax and the fixed set of filters; which names exist
// (and where) is checked by the config parser, so a typo fails at start-up,
// never when a call happens. No escape for a literal "{{": no CRM API needs one.
// Pure and Asio-free (fuzzed by fuzz/template_text_fuzz.cpp).
#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cti::adapters::tmpl {

enum class FilterKind {
  Url,         // percent-encode for a URL query or path segment (RFC 3986 unreserved kept)
  Json,        // escape for the inside of a JSON string (text bodies)
  Html,        // escape & < > " ' (HTML note bodies: Odoo chatter)
  Int,         // a number of seconds -> whole number ("125.4" -> "125")
  Ms,          // seconds -> whole milliseconds
  Minutes,     // seconds -> minutes, up to 2 decimals ("125" -> "2.08")
  Mmss,        // seconds -> "mm:ss" ("125" -> "02:05")
  Upper,       // ASCII upper case
  Lower,       // ASCII lower case
  Capitalize,  // first letter upper case ("inbound" -> "Inbound")
  Digits,      // keep only 0-9 ("+34 912" -> "34912")
  Default,     // arg: the text used when the value is empty
  Map,         // arg: a map name from the config's "maps" ("" = "disposition_map")
  Rfc3339,     // time -> "2025-01-15T10:00:00Z" (UTC, whole seconds)
  UtcSql,      // time -> "2025-01-15 10:00:00" (UTC; Odoo, EspoCRM)
  Date,        // time -> "2025-01-15" (UTC)
  Epoch,       // time -> seconds since 1970
  EpochMs,     // time -> milliseconds since 1970
  Number,      // output: the JSON body value becomes a number (empty -> null)
  OmitEmpty,   // output: an empty value drops its body key / array element / header
};

struct Filter {
  FilterKind kind;
  std::string arg;  // Default, Map
};

struct Placeholder {
  std::string name;  // "call.from"
  std::vector<Filter> filters;
  bool has(FilterKind kind) const;
};

// A parsed text: literal pieces and placeholders, in order.
class Text {
 public:
  struct Piece {
    std::string literal;  // used when !is_placeholder
    Placeholder placeholder;
    bool is_placeholder = false;
  };

  // Syntax and filter errors come back as a reason ("unknown filter
  // \"urll\" in {{number.e164|urll}}").
  static std::expected<Text, std::string> parse(std::string_view source);

  const std::vector<Piece>& pieces() const { return pieces_; }
  const std::string& source() const { return source_; }
  // The whole text is one placeholder ("{{contact.id|number}}"): only such a
  // text may use the output filters (number, omit_empty).
  const Placeholder* whole() const;

 private:
  std::vector<Piece> pieces_;
  std::string source_;
};

// What placeholders stand for at render time. A name missing from the map
// renders as "" (then `default:` may fill it).
using Values = std::map<std::string, std::string, std::less<>>;
using Map = std::map<std::string, std::string, std::less<>>;
using Maps = std::map<std::string, Map, std::less<>>;

// The map filter's "" argument names this map (the config's "disposition_map").
inline constexpr std::string_view kDefaultMap = "disposition";

std::string render(const Text& text, const Values& values, const Maps& maps);
// One placeholder's value after its filters.
std::string render(const Placeholder& placeholder, const Values& values, const Maps& maps);

// Every filter name, for error messages and docs.
std::vector<std::string_view> filter_names();

}  // namespace cti::adapters::tmpl
