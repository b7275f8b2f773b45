#pragma once
// JSON of the click-to-call API: the request bodies it accepts (validated
// field by field, each error naming the field) and the decision it returns.
// The same decision JSON goes into the audit log. Pure.
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "connector/api/backend.h"
#include "connector/policy/gate.h"

namespace cti::api {

// {"allowed", "reasons":[{code,message}], "warnings", "destination":{e164,region,type},
//  "caller_id":{number,rule}, "rate":{prefix,per_min,currency}, "estimated_cost",
//  "local_time", "policy_version"}
nlohmann::json to_json(const policy::Decision& decision);

struct BodyError {
  bool malformed_json = false;  // 400; otherwise a field is wrong (422)
  std::string detail;
};

// {"agent", "to", "purpose": "commercial"|"service", "contact": {...}}.
// `agent` may be omitted with an agent token (it defaults to the token's agent).
std::expected<DialCommand, BodyError> parse_dial_body(std::string_view body, const Principal& by);
// {"number", "reason"}
struct DncBody {
  std::string number, reason;
};
std::expected<DncBody, BodyError> parse_dnc_body(std::string_view body);
// {"number", "status": "granted"|"revoked", "source", "date": RFC 3339 (default now)}
// POST /v1/contacts: {"number", "crm"?}.
struct ContactBody {
  std::string number, crm;
};
std::expected<ContactBody, BodyError> parse_contact_body(std::string_view body);

std::expected<ConsentCommand, BodyError> parse_consent_body(std::string_view body,
                                                            const Principal& by,
                                                            core::Timestamp now);

}  // namespace cti::api
