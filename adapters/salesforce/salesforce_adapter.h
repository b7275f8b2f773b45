#pragma once
// The Salesforce CRM adapter (issue 5): a pure translator, no sockets.
//  - lookup:   GET {instance}/services/data/v{N}/search/?q=FIND {"<E.164>" OR
//              "<national>"} IN PHONE FIELDS RETURNING Contact(...), Lead(...)
//              (SOSL; the most recently modified record wins);
//  - log_call: POST {instance}/services/data/v{N}/sobjects/Task (TaskSubtype
//              Call, CallType, CallDurationInSeconds, CallDisposition, our
//              call_id in CallObject, WhoId, OwnerId from the agent map);
//  - retries:  first SELECT Id FROM Task WHERE CallObject = '<call_id>';
//  - unknown caller (create_unknown_contacts): POST …/sobjects/Lead
//              {LastName, Company "[not provided]", Phone} or …/sobjects/Contact.
// Salesforce publishes no OpenAPI file: facts come from its REST API and
// Object Reference docs as summarised in ../shared/reference/crm-apis.md §3,
// §8, §9; tests check against the recorded exchanges in
// tests/fixtures/crm/salesforce/ (SOURCES.md there says where each is from).
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/common/oauth_session.h"

namespace cti::adapters {

struct SalesforceOptions {
  std::string name;
  // The org's instance URL ("https://acme.my.salesforce.com"), as the OAuth
  // token response gives it. No vendor default: every org has its own.
  std::string base_url;
  std::string token;  // OAuth access token (Bearer); never logged
  // Refresh the access token (client credentials or refresh token grant);
  // `token`, when set too, is the first one. The scheme is always Bearer.
  std::optional<OAuthOptions> oauth;
  // REST API version without the "v" ("61.0").
  std::string api_version = "61.0";
  // Our agent id or extension -> Salesforce User Id (005...). Unmapped
  // agents: no OwnerId, so Salesforce makes the API user the owner.
  std::map<std::string, std::string> users;
  // Where record pages live; "" = base_url (My Domain redirects
  // /lightning/r/... to its lightning.force.com host).
  std::string app_url;
  // Region for the national form of the number ("ES"); "" = the number's own.
  std::string default_region;
  // Wait after REQUEST_LIMIT_EXCEEDED, which carries no retry hint.
  std::chrono::seconds rate_limit_wait{60};
  // Offer "create contact" for unknown callers. LastName (and a Lead's
  // Company) are required: the number itself and Salesforce's own
  // "[not provided]" (we never invent a person, decisions.md).
  bool create_unknown_contacts = false;
  // What an unknown caller becomes: "lead" (default: Salesforce's place for
  // people not yet qualified) or "contact" (then without an Account).
  std::string create_as = "lead";
};

class SalesforceAdapter final : public CrmAdapter {
 public:
  explicit SalesforceAdapter(SalesforceOptions options);
  const std::string& name() const override { return options_.name; }

  std::optional<core::HttpRequest> lookup(const core::PhoneNumber& number) const override;
  std::optional<Contact> parse_lookup(const core::HttpResponse& response) const override;
  // The default chain, but Salesforce's own retryable answers (403
  // REQUEST_LIMIT_EXCEEDED, 401 INVALID_SESSION_ID) are Retry, not Fail.
  Step lookup_step(const core::PhoneNumber& number,
                   std::span<const Exchange> so_far) const override;

  bool logs_calls() const override { return true; }
  std::optional<core::HttpRequest> log_call(const core::CallRecord& record,
                                            const std::optional<Contact>& contact) const override;
  // Attempt 1: lookup, then the Task. Later attempts first ask for a Task
  // with our call_id in CallObject (find_logged_call) and stop if one exists.
  Step log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                int attempt) const override;

  // Unknown caller: POST {instance}/services/data/v{N}/sobjects/{Lead|Contact}.
  // nullopt unless create_unknown_contacts is set and the number is E.164.
  bool creates_contacts() const override { return options_.create_unknown_contacts; }
  std::optional<core::HttpRequest> create_contact(const ContactToCreate& wanted) const override;
  // 201 {"id", "success": true, "errors": []} -> the new lead or contact
  // (kind, record page; the name is the number, set by create_step); nullopt
  // when success is false or there is no id.
  std::optional<Contact> parse_created(const core::HttpResponse& response) const override;
  // The default chain, but Salesforce's refusals (400 DUPLICATES_DETECTED,
  // required fields...) are a Fail with its errorCode and message, and its
  // own retryable answers (403 REQUEST_LIMIT_EXCEEDED, 401 INVALID_SESSION_ID)
  // a Retry.
  Step create_step(const ContactToCreate& wanted, std::span<const Exchange> so_far) const override;

  // GET {instance}/services/data/v{N}/query/?q=SELECT Id FROM Task WHERE
  // CallObject = '<call_id>' (SOQL; CallObject is filterable).
  core::HttpRequest find_logged_call(const std::string& call_id) const;

  // "<adapter>:<call_id>:call": one call-log job per call in the outbox.
  std::string log_idempotency_key(const std::string& call_id) const;

  // With options.oauth: the token session (the runner sets Authorization).
  OAuthSession* oauth() const override { return oauth_.get(); }
  // 401 INVALID_SESSION_ID: the session expired or was revoked.
  bool token_rejected(const core::HttpResponse& response) const override;

 private:
  core::HttpRequest request(std::string method, const std::string& path) const;
  std::string data_path(const std::string& rest) const;  // "/services/data/vN/<rest>"
  std::string create_object() const;                     // "Lead" or "Contact"
  SalesforceOptions options_;
  // The adapter's only mutable state (thread-safe); null without options.oauth.
  std::shared_ptr<OAuthSession> oauth_;
};

// Mapping tables and answer reading, exposed for tests (crm-apis.md §3, §9).
namespace salesforce {
// CallType picklist: Inbound / Outbound / Internal.
const char* call_type(core::Direction direction);
// CallDisposition ("Call Result", free text): our disposition, capitalised.
const char* call_disposition(core::Disposition disposition);
// The errorCode values of a Salesforce error body
// ([{"message": "...", "errorCode": "..."}]); empty for anything else.
std::vector<std::string> error_codes(const core::HttpResponse& response);
// "DUPLICATES_DETECTED: Use one of these records?; ..." from the same error
// array, or from the `errors` of a create answer ({"success": false,
// "errors": [{"statusCode", "message"}]}); "" when there is none.
std::string error_text(const core::HttpResponse& response);
}  // namespace salesforce

}  // namespace cti::adapters
