#pragma once
// A party's number as the PBX reported it, normalized once.
// E.164 when it is a dialable phone number; extensions and withheld/anonymous
// caller ids are kept as they are, never mangled into fake numbers.
#include <string>
#include <string_view>

namespace cti::core {

class PhoneNumber {
 public:
  enum class Kind { E164, Extension, Withheld, Unknown };

  // `raw` as reported ("+34 912 345 678", "912345678", "0034912...", "1001",
  // "anonymous", "<unknown>"); `default_region` is an ISO 3166 code ("ES").
  // Digit strings of `max_extension_digits` or fewer are extensions.
  static PhoneNumber parse(std::string_view raw, std::string_view default_region,
                           int max_extension_digits = 6);

  Kind kind() const { return kind_; }
  // E.164 ("+34912345678"), the extension, "anonymous", or "" when unknown.
  const std::string& value() const { return value_; }
  const std::string& raw() const { return raw_; }
  bool is_e164() const { return kind_ == Kind::E164; }

 private:
  Kind kind_ = Kind::Unknown;
  std::string value_;
  std::string raw_;
};

}  // namespace cti::core
