#include "adapters/salesforce/salesforce_query.h"

namespace cti::adapters::salesforce {

std::string escape_sosl(std::string_view term) {
  static constexpr std::string_view kReserved = "?&|!{}[]()^~*:\\\"'+-";
  std::string out;
  out.reserve(term.size() + 4);
  for (char c : term) {
    if (kReserved.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string escape_soql(std::string_view literal) {
  std::string out;
  out.reserve(literal.size() + 2);
  for (char c : literal) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string url_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace cti::adapters::salesforce
