#pragma once
// The HubSpot CRM adapter (issue 5): a pure translator, no sockets.
//  - lookup:   POST {base}/crm/v3/objects/contacts/search (phone and
//              mobilephone, E.164 and national forms, OR-ed filter groups);
//  - log_call: POST {base}/crm/v3/objects/calls (every property a string,
//              duration in milliseconds, status + disposition GUID, owner from
//              the agent map, association to the contact when known).
// Facts and their sources: ../shared/reference/crm-apis.md §1, §8, §9 and the
// vendor description ../shared/fixtures/crm/specs/hubspot/*.v3.json.
#include <map>
#include <optional>
#include <string>

#include "adapters/adapter.h"

namespace cti::adapters {

struct HubspotOptions {
  std::string name;
  std::string base_url = "https://api.hubapi.com";
  std::string token;  // private-app / OAuth bearer token; never logged
  // Our agent id or extension -> HubSpot owner id. Unmapped agents get no
  // owner (HubSpot then leaves the call unassigned); we never invent one.
  std::map<std::string, std::string> users;
  bool create_unknown_contacts = false;
  // Portal (hub) id: when set, contacts carry their record URL
  // {app_url}/contacts/{portal_id}/record/0-1/{id}; empty -> url "".
  std::string portal_id;
  std::string app_url = "https://app.hubspot.com";  // EU portals: app-eu1.hubspot.com
  // Region used to build the national form of a number for the lookup ("ES").
  // Empty: the region libphonenumber derives from the number's country code.
  std::string default_region;
  int lookup_limit = 10;  // spec: up to 200
  // Optional custom call property (created in the portal by an admin) that
  // receives our call_id so a retry can search for it. Empty: the call_id is
  // only in hs_call_body ("cti_call_id: ...") and the idempotency key.
  std::string call_id_property;
};

class HubspotAdapter final : public CrmAdapter {
 public:
  explicit HubspotAdapter(HubspotOptions options);
  const std::string& name() const override { return options_.name; }

  std::optional<core::HttpRequest> lookup(const core::PhoneNumber& number) const override;
  std::optional<Contact> parse_lookup(const core::HttpResponse& response) const override;
  bool logs_calls() const override { return true; }
  std::optional<core::HttpRequest> log_call(const core::CallRecord& record,
                                            const std::optional<Contact>& contact) const override;
  // Attempt 1: lookup, then log. Later attempts first search for a call
  // logged with this call_id (find_logged_call) and stop if there is one.
  Step log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                int attempt) const override;

  // Unknown caller: POST {base}/crm/v3/objects/contacts with only the phone
  // (no invented names). nullopt unless create_unknown_contacts is set or the
  // number is not E.164.
  bool creates_contacts() const override { return options_.create_unknown_contacts; }
  std::optional<core::HttpRequest> create_contact(const ContactToCreate& wanted) const override;
  std::optional<Contact> parse_created(const core::HttpResponse& response) const override;
  // Search-before-create on retry: POST {base}/crm/v3/objects/calls/search for
  // a call already logged with this call_id (call_id_property EQ when
  // configured, else hs_call_body CONTAINS_TOKEN).
  core::HttpRequest find_logged_call(const std::string& call_id) const;

  // "<adapter>:<call_id>:call": one call-log job per call in the outbox.
  std::string log_idempotency_key(const std::string& call_id) const;

 private:
  core::HttpRequest post(const std::string& path, std::string body) const;
  HubspotOptions options_;
};

// Mapping tables, exposed for tests (crm-apis.md §9).
namespace hubspot {
inline constexpr const char* kConnected = "f240bbac-87c9-4f6e-bf70-924b57d47db7";
inline constexpr const char* kNoAnswer = "73a0d17f-1163-4015-bdd5-ec830791da20";
inline constexpr const char* kBusy = "9d9162e7-6cf3-4944-bf63-4dff82258764";
inline constexpr const char* kLeftVoicemail = "b2cf5968-551e-4856-9783-52b3da59a7d0";
inline constexpr const char* kLeftLiveMessage = "a4c4c377-d246-4b32-a13b-75a56a4cd0ff";
inline constexpr const char* kWrongNumber = "17b47fee-58de-441e-a44c-c6300d46f273";
inline constexpr int kCallToContactAssociation = 194;

struct Outcome {
  const char* status;       // hs_call_status
  const char* disposition;  // hs_call_disposition GUID, nullptr = omit
};
Outcome outcome(core::Disposition disposition, core::Direction direction);
}  // namespace hubspot

}  // namespace cti::adapters
