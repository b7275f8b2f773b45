#include "connector/policy/destination.h"

#include <phonenumbers/phonenumberutil.h>

#include <list>
#include <optional>

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

namespace {

// What CRMs mostly send: "+" and digits, maybe with spaces, dashes, dots or
// parentheses. libphonenumber's Parse spends ~14 us on regexes for any
// input; for this shape the result is the country code (1-3 digits, a
// prefix-free code) and the rest as the national number. Anything that
// Parse would treat specially (a national-prefix digit after the country
// code, as in "+44 (0)20...", leading zeros, odd lengths) goes to Parse.
std::optional<PhoneNumber> parse_plain_international(std::string_view raw,
                                                     const PhoneNumberUtil& util) {
  std::string digits;
  bool plus = false;
  for (char c : raw) {
    if (c == '+' && !plus && digits.empty())
      plus = true;
    else if (c >= '0' && c <= '9')
      digits += c;
    else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')')
      return std::nullopt;
  }
  if (!plus || digits.size() < 4 || digits.size() > 17 || digits[0] == '0') return std::nullopt;
  for (std::size_t len = 1; len <= 3; ++len) {
    const int cc = std::stoi(digits.substr(0, len));
    std::string region;
    util.GetRegionCodeForCountryCode(cc, &region);
    if (region == "ZZ") continue;
    const std::string national = digits.substr(len);
    if (national.size() < 2 || national.size() > 14 || national[0] == '0') return std::nullopt;
    std::string ndd;
    util.GetNddPrefixForRegion(region, true, &ndd);
    if (!ndd.empty() && national.starts_with(ndd)) return std::nullopt;
    PhoneNumber number;
    number.set_country_code(cc);
    number.set_national_number(std::stoull(national));
    return number;
  }
  return std::nullopt;
}

std::expected<Destination, DestinationError> classify_parsed(const PhoneNumber& number,
                                                             std::string_view raw,
                                                             const PhoneNumberUtil& util) {
  // GetNumberType runs the same pattern matching IsValidNumber does (a
  // number is valid when it matches one of its region's types), so one call
  // answers both; these regexes are most of the gate's cost.
  Destination d;
  const auto type = util.GetNumberType(number);
  std::list<std::string> regions;
  util.GetRegionCodesForCountryCallingCode(number.country_code(), &regions);
  if (regions.size() == 1)
    d.region = regions.front();  // no need to match the number against each region
  else
    util.GetRegionCodeForNumber(number, &d.region);
  if (d.region.empty() || d.region == "ZZ" || type == PhoneNumberUtil::UNKNOWN)
    return std::unexpected(DestinationError{
        "number_invalid", "'" + std::string(raw) + "' is not a valid or assigned number"});
  util.Format(number, PhoneNumberUtil::E164, &d.e164);
  d.country_code = number.country_code();
  d.type = from_library(type);
  return d;
}

}  // namespace

namespace detail {

std::expected<Destination, DestinationError> classify_with_parse(std::string_view raw,
                                                                 std::string_view default_region) {
  if (raw.size() > 64)
    return std::unexpected(DestinationError{"number_invalid", "the number is too long"});
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  const auto err = util.Parse(std::string(raw), std::string(default_region), &number);
  if (err != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::unexpected(
        DestinationError{"number_invalid", "'" + std::string(raw) + "' is not a phone number"});
  return classify_parsed(number, raw, util);
}

}  // namespace detail

std::expected<Destination, DestinationError> classify_destination(std::string_view raw,
                                                                  std::string_view default_region) {
  if (raw.size() > 64)
    return std::unexpected(DestinationError{"number_invalid", "the number is too long"});
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  if (auto number = parse_plain_international(raw, util))
    return classify_parsed(*number, raw, util);
  return detail::classify_with_parse(raw, default_region);
}

}  // namespace cti::policy
