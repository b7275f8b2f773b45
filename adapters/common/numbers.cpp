#include "adapters/common/numbers.h"

#include <phonenumbers/phonenumberutil.h>

#include <cctype>

namespace cti::adapters {

bool is_customer_call(const core::CallRecord& record) {
  return record.direction != core::Direction::Internal && record.parent_call_id.empty();
}

core::PhoneNumber customer_number(const core::CallRecord& record) {
  const std::string& raw = record.direction == core::Direction::Outbound ? record.to : record.from;
  // The tracker already normalized numbers to E.164; anything else (an
  // extension, "anonymous") must not be turned into a number here.
  if (!raw.starts_with('+')) return core::PhoneNumber::parse(raw, "", 64);
  return core::PhoneNumber::parse(raw, "");
}

std::string national_digits(const std::string& e164, const std::string& region) {
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber parsed;
  if (util->Parse(e164, region.empty() ? "ZZ" : region, &parsed) !=
      PhoneNumberUtil::NO_PARSING_ERROR)
    return {};
  std::string formatted;
  util->Format(parsed, PhoneNumberUtil::NATIONAL, &formatted);
  std::string digits;
  for (char c : formatted)
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  return digits;
}

}  // namespace cti::adapters
