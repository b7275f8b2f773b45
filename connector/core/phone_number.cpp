#include "connector/core/phone_number.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>

namespace cti::core {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

bool is_withheld(std::string_view raw) {
  const std::string l = lower(raw);
  return l == "anonymous" || l == "restricted" || l == "private" || l == "withheld" ||
         l == "unavailable" || l == "blocked";
}

bool is_unknown(std::string_view raw) {
  const std::string l = lower(raw);
  return l.empty() || l == "<unknown>" || l == "unknown" || l == "<none>";
}

}  // namespace

PhoneNumber PhoneNumber::parse(std::string_view raw, std::string_view default_region,
                               int max_extension_digits) {
  PhoneNumber n;
  n.raw_ = std::string(raw);
  // Trim spaces the PBX or a CRM may leave around the number.
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front())))
    raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (is_unknown(raw)) return n;
  if (is_withheld(raw)) {
    n.kind_ = Kind::Withheld;
    n.value_ = "anonymous";
    return n;
  }
  const bool all_digits =
      std::all_of(raw.begin(), raw.end(), [](unsigned char c) { return std::isdigit(c); });
  if (all_digits && int(raw.size()) <= max_extension_digits) {
    n.kind_ = Kind::Extension;
    n.value_ = std::string(raw);
    return n;
  }
  // Fast path: already E.164 ("+" and 8-15 digits, no leading 0). Most trunks
  // send this; libphonenumber's regex engine costs ~10 us per number.
  if (raw.size() >= 9 && raw.size() <= 16 && raw.front() == '+' && raw[1] != '0' &&
      std::all_of(raw.begin() + 1, raw.end(), [](unsigned char c) { return std::isdigit(c); })) {
    n.kind_ = Kind::E164;
    n.value_ = std::string(raw);
    return n;
  }
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber parsed;
  const auto err = util->Parse(std::string(raw), std::string(default_region), &parsed);
  if (err == PhoneNumberUtil::NO_PARSING_ERROR && util->IsPossibleNumber(parsed)) {
    n.kind_ = Kind::E164;
    util->Format(parsed, PhoneNumberUtil::E164, &n.value_);
    return n;
  }
  // Not a phone number we can normalize (a SIP URI, a feature code...):
  // keep it exactly as the PBX said it rather than inventing digits.
  n.value_ = std::string(raw);
  return n;
}

}  // namespace cti::core
