#include "connector/policy/destination.h"

#include <phonenumbers/phonenumberutil.h>

namespace cti::policy {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::string_view to_string(NumberType t) {
  switch (t) {
    case NumberType::FixedLine:
      return "fixed_line";
    case NumberType::Mobile:
      return "mobile";
    case NumberType::FixedLineOrMobile:
      return "fixed_line_or_mobile";
    case NumberType::TollFree:
      return "toll_free";
    case NumberType::PremiumRate:
      return "premium_rate";
    case NumberType::SharedCost:
      return "shared_cost";
    case NumberType::Voip:
      return "voip";
    case NumberType::Personal:
      return "personal_number";
    case NumberType::Pager:
      return "pager";
    case NumberType::Uan:
      return "uan";
    case NumberType::Voicemail:
      return "voicemail";
    case NumberType::Unknown:
      break;
  }
  return "unknown";
}

namespace {

NumberType from_library(PhoneNumberUtil::PhoneNumberType t) {
  switch (t) {
    case PhoneNumberUtil::FIXED_LINE:
      return NumberType::FixedLine;
    case PhoneNumberUtil::MOBILE:
      return NumberType::Mobile;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
      return NumberType::FixedLineOrMobile;
    case PhoneNumberUtil::TOLL_FREE:
      return NumberType::TollFree;
    case PhoneNumberUtil::PREMIUM_RATE:
      return NumberType::PremiumRate;
    case PhoneNumberUtil::SHARED_COST:
      return NumberType::SharedCost;
    case PhoneNumberUtil::VOIP:
      return NumberType::Voip;
    case PhoneNumberUtil::PERSONAL_NUMBER:
      return NumberType::Personal;
    case PhoneNumberUtil::PAGER:
      return NumberType::Pager;
    case PhoneNumberUtil::UAN:
      return NumberType::Uan;
    case PhoneNumberUtil::VOICEMAIL:
      return NumberType::Voicemail;
    default:
      return NumberType::Unknown;
  }
}

}  // namespace

std::expected<Destination, DestinationError> classify_destination(std::string_view raw,
                                                                  std::string_view default_region) {
  if (raw.size() > 64)
    return std::unexpected(DestinationError{"number_invalid", "the number is too long"});
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  const auto err = util.Parse(std::string(raw), std::string(default_region), &number);
  if (err != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::unexpected(
        DestinationError{"number_invalid", "'" + std::string(raw) + "' is not a phone number"});
  // GetNumberType runs the same pattern matching IsValidNumber does (a
  // number is valid when it matches one of its region's types), so one call
  // answers both; these regexes are most of the gate's cost.
  Destination d;
  util.GetRegionCodeForNumber(number, &d.region);
  const auto type = util.GetNumberType(number);
  if (d.region.empty() || d.region == "ZZ" || type == PhoneNumberUtil::UNKNOWN)
    return std::unexpected(DestinationError{
        "number_invalid", "'" + std::string(raw) + "' is not a valid or assigned number"});
  util.Format(number, PhoneNumberUtil::E164, &d.e164);
  d.country_code = number.country_code();
  d.type = from_library(type);
  return d;
}

}  // namespace cti::policy
