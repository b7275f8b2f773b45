#pragma once
// The filters of the placeholder language (template_text.h), one function
// each, and the time forms CRMs answer with. Pure: times come from values.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/template/template_text.h"
#include "connector/core/time.h"

namespace cti::adapters::tmpl {

// `value` after `filter`. A value a filter cannot read (a time filter on
// "abc", int on "") becomes "", so a later `default:` can fill it.
std::string apply(const Filter& filter, const std::string& value, const Maps& maps);

// RFC 3339 ("2025-01-15T10:00:00Z", "+01:00" offsets) or the SQL-style UTC
// form Odoo and EspoCRM use ("2025-01-15 10:00:00").
std::optional<core::Timestamp> parse_crm_time(std::string_view text);

// "125", "125.5": how numbers are shown in placeholders (no exponent, no
// trailing zeros).
std::string number_text(double value);

}  // namespace cti::adapters::tmpl
