#pragma once
// The Zoho CRM adapter (issue 5): a pure translator, no sockets.
//  - lookup:   GET {base}/crm/v8/Contacts/search?phone=…, then Leads (HTTP
//              204 = no match); the most recently modified record wins;
//  - log_call: POST {base}/crm/v8/Calls {"data":[{Call_Type, Call_Start_Time
//              with offset, Call_Duration "mm:ss", Who_Id (contact) or
//              What_Id + $se_module (lead), Owner, Subject, Description}]};
//  - unknown caller (create_unknown_contacts): POST {base}/crm/v8/Leads (or
//              Contacts) {"data":[{"Last_Name": <E.164>, "Phone": <E.164>}]}.
// Auth: `Authorization: Zoho-oauthtoken <token>`. Base URL per data centre.
// Facts and their sources: ../shared/reference/crm-apis.md §4, §8, §9 and the
// vendor description ../shared/fixtures/crm/specs/zoho/{record,module_search}.json.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/adapter.h"
#include "adapters/common/oauth_session.h"

namespace cti::adapters {

struct ZohoOptions {
  std::string name;
  std::string base_url = "https://www.zohoapis.com";  // the token's api_domain
  std::string token;                                  // OAuth access token; never logged
  // Refresh the access token (refresh token grant); `token`, when set too,
  // is the first one. The scheme is always Zoho-oauthtoken.
  std::optional<OAuthOptions> oauth;
  // Our agent id or extension -> Zoho user id. Unmapped agents: no Owner
  // (Zoho then makes the token's user the owner).
  std::map<std::string, std::string> users;
  // Record links: "{app_url}/tab/{Contacts|Leads}/{id}", e.g.
  // "https://crm.zoho.eu/crm/org20071234". Empty: no URL.
  std::string app_url;
  // Our disposition ("busy") -> the org's Call_Result picklist value. The
  // picklist is per org (crm-apis.md §9): unmapped dispositions send none.
  std::map<std::string, std::string> call_results;
  // Optional custom Calls field (API name) that receives our call_id, so a
  // retry can search it exactly. Empty: the call_id is only in Description
  // and a retry searches by word.
  std::string call_id_field;
  int lookup_limit = 10;  // per_page; spec: up to 200
  // Offer "create contact" for unknown callers. Last_Name is required: it is
  // the number itself (we never invent a person, decisions.md).
  bool create_unknown_contacts = false;
  // What an unknown caller becomes: "lead" (default: Zoho's own place for
  // people not yet qualified) or "contact".
  std::string create_as = "lead";
};

class ZohoAdapter final : public CrmAdapter {
 public:
  explicit ZohoAdapter(ZohoOptions options);
  const std::string& name() const override { return options_.name; }

  // Contacts, then Leads when Contacts had no match.
  Step lookup_step(const core::PhoneNumber& number,
                   std::span<const Exchange> so_far) const override;
  bool logs_calls() const override { return true; }
  std::optional<core::HttpRequest> log_call(const core::CallRecord& record,
                                            const std::optional<Contact>& contact) const override;
  // Attempt 1: lookup, then log. Later attempts first search Calls for this
  // call_id (find_logged_call) and stop if there is one. A 2xx answer whose
  // record says "error" is a Fail, like a 4xx.
  Step log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                int attempt) const override;

  // Unknown caller: POST {base}/crm/v8/{Leads|Contacts}. nullopt unless
  // create_unknown_contacts is set and the number is E.164.
  bool creates_contacts() const override { return options_.create_unknown_contacts; }
  std::optional<core::HttpRequest> create_contact(const ContactToCreate& wanted) const override;
  // {"data":[{"status":"success","details":{"id":...}}]} -> the new lead or
  // contact (kind, record link; the name is the number, set by create_step);
  // nullopt for a record whose status is "error" or that names no id.
  std::optional<Contact> parse_created(const core::HttpResponse& response) const override;
  // The default chain, but Zoho's refusal inside a 2xx (data[0].status
  // "error", e.g. DUPLICATE_DATA) is a Fail with Zoho's code and message, and
  // 429 waits for Retry-After only (as the other chains).
  Step create_step(const ContactToCreate& wanted, std::span<const Exchange> so_far) const override;

  // GET {base}/crm/v8/{module}/search?phone=…&per_page=…
  core::HttpRequest search(const std::string& module, const std::string& phone) const;
  // GET {base}/crm/v8/Calls/search: criteria on call_id_field when set, else word=<call_id>.
  core::HttpRequest find_logged_call(const std::string& call_id) const;

  // "<adapter>:<call_id>:call": one call-log job per call in the outbox.
  std::string log_idempotency_key(const std::string& call_id) const;

  // With options.oauth: the token session (the runner sets Authorization).
  OAuthSession* oauth() const override { return oauth_.get(); }
  // 401 with code INVALID_TOKEN (expired or revoked) or AUTHENTICATION_FAILURE.
  bool token_rejected(const core::HttpResponse& response) const override;

 private:
  core::HttpRequest request(std::string method, const std::string& path_and_query) const;
  std::optional<Contact> parse_search(const core::HttpResponse& answer,
                                      const std::string& module) const;
  bool holds_logged_call(const core::HttpResponse& answer, const std::string& call_id) const;
  // "Leads" or "Contacts", from create_as.
  const char* create_module() const;
  ZohoOptions options_;
  // The adapter's only mutable state (thread-safe); null without options.oauth.
  std::shared_ptr<OAuthSession> oauth_;
};

namespace zoho {
// Base URL for a data centre ("com", "eu", "in", "com.au", "jp", "ca", "sa");
// nullopt for any other.
std::optional<std::string> data_centre_url(const std::string& data_centre);

// crm-apis.md §9: Inbound / Outbound / Missed.
const char* call_type(core::Disposition disposition, core::Direction direction);

// "mm:ss" with minutes not wrapped into hours (125 s -> "02:05", 3725 s -> "62:05").
std::string call_duration(double seconds);

// "2026-11-28T15:13:29+00:00": seconds, UTC, numeric offset.
std::string start_time(core::Timestamp t);
}  // namespace zoho

}  // namespace cti::adapters
