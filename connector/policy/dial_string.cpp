#include "connector/policy/dial_string.h"

#include <phonenumbers/phonenumberutil.h>

namespace cti::policy {

std::string dial_string(const Destination& to, std::string_view home_region, DialFormat format) {
  if (format == DialFormat::E164) return to.e164;
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(to.e164, "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return to.e164;
  std::string formatted;
  // Same country: national form; elsewhere: the home country's international prefix.
  util.FormatOutOfCountryCallingNumber(number, std::string(home_region), &formatted);
  std::string digits;
  for (char c : formatted)
    if ((c >= '0' && c <= '9') || (c == '+' && digits.empty())) digits += c;
  return digits;
}

}  // namespace cti::policy
