#pragma once
// The Salesforce CRM adapter (issue 5): a pure translator, no sockets.
//  - lookup:   GET {instance}/services/data/v{N}/search/?q=FIND {"<E.164>" OR
//              "<national>"} IN PHONE FIELDS RETURNING Contact(...), Lead(...)
//              (SOSL; the most recently modified record wins);
//  - log_call: POST {instance}/services/data/v{N}/sobjects/Task (TaskSubtype
//              Call, CallType, CallDurationInSeconds, CallDisposition, our
//              call_id in CallObject, WhoId, OwnerId from the agent map);
//  - retries:  first SELECT Id FROM Task WHERE CallObject = '<call_id>'.
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
}  // namespace salesforce

}  // namespace cti::adapters
