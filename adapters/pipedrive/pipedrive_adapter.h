#pragma once
// The Pipedrive CRM adapter (issue 5): a pure translator, no sockets.
//  - lookup:   GET {base}/api/v2/persons/search?term=…&fields=phone&exact_match=true,
//              the E.164 form first, then the national form; several persons
//              -> GET {base}/api/v2/persons?ids=…&sort_by=update_time (the
//              search items carry no update time) and the most recent wins;
//  - log_call: POST {base}/api/v1/callLogs (outcome from our disposition,
//              duration a string of seconds, RFC 3339 UTC times, person_id,
//              user_id from the agent map, our call_id in the note);
//  - unknown caller (create_unknown_contacts): POST {base}/api/v2/persons
//              named by the number itself, with the number as its phone.
// Auth: `x-api-token: <token>` (the spec's api_key scheme; the old
// ?api_token= query parameter is not in the spec).
// Facts and their sources: ../shared/reference/crm-apis.md §2, §8, §9 and the
// vendor descriptions ../shared/fixtures/crm/specs/pipedrive/openapi-v{1,2}.yaml.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.h"

namespace cti::adapters {

struct PipedriveOptions {
  std::string name;
  // The company domain, "https://acme.pipedrive.com" (no default: see
  // docs/decisions.md "Pipedrive base URL").
  std::string base_url;
  std::string token;  // API token or OAuth access token; never logged
  // Our agent id or extension -> Pipedrive user id (digits). Unmapped agents:
  // no user_id, Pipedrive then owns the log by the token's user.
  std::map<std::string, std::string> users;
  // Where person links point: "{app_url}/person/{id}". Empty: derived from
  // base_url when it is a company domain (<company>.pipedrive.com), else no URL.
  std::string app_url;
  // Region used to build the national form of a number ("ES"). Empty: the
  // number's own region.
  std::string default_region;
  int lookup_limit = 10;  // spec: up to 500
  // Offer "create contact" for unknown callers: a person whose name is the
  // number (Pipedrive requires a name; we never invent one, decisions.md).
  bool create_unknown_contacts = false;
};

class PipedriveAdapter final : public CrmAdapter {
 public:
  explicit PipedriveAdapter(PipedriveOptions options);
  const std::string& name() const override { return options_.name; }

  // E.164 search, national search (only if the first found nobody), then the
  // update-time ordering request when several persons matched.
  Step lookup_step(const core::PhoneNumber& number,
                   std::span<const Exchange> so_far) const override;
  bool logs_calls() const override { return true; }
  std::optional<core::HttpRequest> log_call(const core::CallRecord& record,
                                            const std::optional<Contact>& contact) const override;
  // Attempt 1: lookup, then log. Later attempts first list the activities
  // updated since the call started (find_logged_call) and stop when one
  // carries this call_id.
  Step log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                int attempt) const override;

  // Unknown caller: POST {base}/api/v2/persons {"name": <E.164>, "phones":
  // [{"value": <E.164>, "primary": true, "label": "work"}]}. nullopt unless
  // create_unknown_contacts is set and the number is E.164.
  bool creates_contacts() const override { return options_.create_unknown_contacts; }
  std::optional<core::HttpRequest> create_contact(const ContactToCreate& wanted) const override;
  // {"success": true, "data": {"id": 42, "name": ...}} -> the person with its
  // link; nullopt for `success: false` or no integer id.
  std::optional<Contact> parse_created(const core::HttpResponse& response) const override;
  // The default chain, but a 2xx with `success: false` is a Fail with
  // Pipedrive's own error text, and 429 waits for Pipedrive's hint.
  Step create_step(const ContactToCreate& wanted, std::span<const Exchange> so_far) const override;

  // GET {base}/api/v2/persons/search for one form of the number.
  core::HttpRequest search_persons(const std::string& term) const;
  // GET {base}/api/v2/persons?ids=…&sort_by=update_time&sort_direction=desc.
  core::HttpRequest persons_by_update_time(const std::vector<std::string>& ids) const;
  // GET {base}/api/v2/activities?updated_since=<call start>&sort_by=update_time
  // (+ owner_id when the agent is mapped): call logs are activities, and ours
  // carry "cti_call_id: <id>" in their note. Pipedrive has no idempotent create.
  core::HttpRequest find_logged_call(const core::CallRecord& record) const;
  // True when an activities answer holds an activity logged for `call_id`.
  static bool holds_logged_call(const core::HttpResponse& activities, const std::string& call_id);

  // "<adapter>:<call_id>:call": one call-log job per call in the outbox.
  std::string log_idempotency_key(const std::string& call_id) const;

 private:
  core::HttpRequest request(std::string method, const std::string& path_and_query) const;
  std::optional<std::string> user_of(const std::string& agent) const;
  PipedriveOptions options_;
};

namespace pipedrive {
// crm-apis.md §9 -> the spec's `outcome` enum. `hangup_cause` (Q.850) tells
// a failed call to an invalid number (1, 28) from other failures.
const char* outcome(core::Disposition disposition, core::Direction direction, int hangup_cause);
}  // namespace pipedrive

}  // namespace cti::adapters
