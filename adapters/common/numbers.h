#pragma once
// Phone-number forms adapters search CRMs with, and which party of a call
// record is the customer.
#include <string>

#include "connector/core/call_record.h"
#include "connector/core/phone_number.h"

namespace cti::adapters {

// Calls the CRM should hear about: not internal, not a consultation leg.
bool is_customer_call(const core::CallRecord& record);

// The customer's number: `from` of inbound calls, `to` of outbound ones.
// Kind E164 only when the record holds an E.164 number.
core::PhoneNumber customer_number(const core::CallRecord& record);

// The national form of an E.164 number as people type it, digits only
// ("+34912345678" -> "912345678", "+442071234567" -> "02071234567").
// `region`: the region to format for ("" = the number's own). Empty when
// libphonenumber cannot parse it.
std::string national_digits(const std::string& e164, const std::string& region = {});

}  // namespace cti::adapters
