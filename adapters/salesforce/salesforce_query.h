#pragma once
// Text that goes into Salesforce queries: SOSL search terms, SOQL string
// literals, and the URL-encoded `q` parameter that carries both.
#include <string>
#include <string_view>

namespace cti::adapters::salesforce {

// A term for a SOSL FIND {...} clause with every reserved character
// (? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -) escaped by a backslash, as the
// SOQL and SOSL Reference ("FIND {SearchQuery}") requires: "+34 9" ->
// "\+34 9".
std::string escape_sosl(std::string_view term);

// The inside of a SOQL '...' literal: ' and \ escaped by a backslash (SOQL
// "Reserved Characters"): "a'b" -> "a\'b".
std::string escape_soql(std::string_view literal);

// RFC 3986 percent-encoding of a query parameter value: everything but
// A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex), so a space is %20 and a
// literal '+' is %2B (never read back as a space).
std::string url_encode(std::string_view value);

}  // namespace cti::adapters::salesforce
