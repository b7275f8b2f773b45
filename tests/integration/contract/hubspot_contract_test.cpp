// HubSpot's contract: every request HubspotAdapter builds, sent to Prism
// serving HubSpot's own v3 descriptions (contacts: lookup and create; calls:
// call log and the retry's search for an already logged call).
#include <memory>
#include <string>
#include <vector>

#include "adapters/hubspot/hubspot_adapter.h"
#include "connector/core/time.h"
#include "tests/integration/contract/contract_harness.h"

namespace cti::contract {
namespace {

using adapters::Contact;
using adapters::HubspotAdapter;
using adapters::HubspotOptions;
using core::Direction;
using core::Disposition;

HubspotOptions options(const std::string& base_url) {
  HubspotOptions o;
  o.name = "hs";
  o.base_url = base_url;
  o.token = "pat-eu1-contract-test";
  o.users = {{"1001", "75001"}};  // agent 1001 mapped, 1099 not
  o.create_unknown_contacts = true;
  return o;
}

core::CallRecord record(Direction direction, Disposition disposition, const std::string& agent) {
  core::CallRecord r;
  r.call_id = "c-contract-1";
  r.direction = direction;
  const bool in = direction == Direction::Inbound;
  r.from = in ? "+34612345678" : "1001";
  if (!in) r.caller_id_presented = "+34930000000";
  r.to = in ? "+34930000000" : "+34612345678";
  r.did = in ? "+34930000000" : "";
  r.agent = agent;
  r.queue = in ? "sales" : "";
  r.wait_s = in ? 12.5 : 0;
  r.started_at = core::from_unix_micros(1795879455'442000);
  const bool talked = disposition == Disposition::Answered || disposition == Disposition::Voicemail;
  if (talked) r.answered_at = r.started_at + std::chrono::seconds(5);
  r.ended_at = r.started_at + std::chrono::seconds(130);
  r.ring_s = 5;
  r.talk_s = talked ? 125.25 : 0;
  r.disposition = disposition;
  return r;
}

Contact contact(bool ambiguous) {
  Contact c;
  c.crm = "hs";
  c.id = "12345";
  c.ambiguous = ambiguous;
  c.matches = ambiguous ? 2 : 1;
  return c;
}

const Disposition kDispositions[] = {Disposition::Answered,  Disposition::Missed,
                                     Disposition::Busy,      Disposition::Failed,
                                     Disposition::Abandoned, Disposition::Voicemail};

// Numbers as the PBX reports them and the region the adapter is set to.
struct Number {
  const char* raw;
  const char* region;
};
const Number kNumbers[] = {
    {"+34612345678", ""},     // ES mobile, E.164
    {"612345678", "ES"},      // ES mobile, national as dialled
    {"+34912345678", "ES"},   // ES landline
    {"+447700900123", "GB"},  // UK mobile (national form 07700 900123)
    {"02079460958", "GB"},    // UK landline, national as dialled
    {"+12025550143", "US"},   // US (national form (202) 555-0143)
};

std::vector<ContractRequest> hubspot_requests(const std::string& base_url) {
  std::vector<ContractRequest> out;
  auto add = [&](std::string label, std::optional<core::HttpRequest> req) {
    // A builder that returns nothing for a case the table expects is a bug.
    if (!req) {
      ADD_FAILURE() << "HubspotAdapter built no request for " << label;
      return;
    }
    out.push_back({std::move(label), std::move(*req)});
  };

  for (const Number& n : kNumbers) {
    HubspotOptions o = options(base_url);
    o.default_region = n.region;
    const HubspotAdapter adapter(o);
    const auto number = core::PhoneNumber::parse(n.raw, n.region[0] ? n.region : "ES");
    add(std::string("lookup ") + n.raw + " region '" + n.region + "'", adapter.lookup(number));
    add(std::string("create_contact ") + n.raw, adapter.create_contact(number));
  }

  for (const bool with_call_id_property : {false, true}) {
    HubspotOptions o = options(base_url);
    if (with_call_id_property) o.call_id_property = "cti_call_id";
    const HubspotAdapter adapter(o);
    const std::string variant = with_call_id_property ? " (call_id_property)" : "";
    add("find_logged_call" + variant, adapter.find_logged_call("c-contract-1"));
    for (const Disposition d : kDispositions) {
      for (const Direction dir : {Direction::Inbound, Direction::Outbound}) {
        for (const char* agent : {"1001", "1099", ""}) {
          for (const int linked : {0, 1, 2}) {  // none, one contact, ambiguous
            const std::optional<Contact> c =
                linked == 0 ? std::nullopt : std::optional<Contact>(contact(linked == 2));
            std::string label = "log_call " + std::string(core::to_string(d)) + " " +
                                std::string(core::to_string(dir)) + ", agent '" + agent + "', " +
                                (linked == 0   ? "no contact"
                                 : linked == 1 ? "with contact"
                                               : "ambiguous contact") +
                                variant;
            add(std::move(label), adapter.log_call(record(dir, d, agent), c));
          }
        }
      }
    }
  }
  return out;
}

std::vector<BrokenRequest> hubspot_broken(const std::string& base_url) {
  const HubspotAdapter adapter(options(base_url));
  const auto number = core::PhoneNumber::parse("+34612345678", "ES");
  const core::HttpRequest lookup = *adapter.lookup(number);
  const core::HttpRequest log =
      *adapter.log_call(record(Direction::Inbound, Disposition::Answered, "1001"), contact(false));
  using nlohmann::json;
  return {
      {"call log with the duration as a number (HubSpot wants every property a string)",
       with_json_body(log, [](json& b) { b["properties"]["hs_call_duration"] = 125250; }),
       "must be string"},
      {"call log without associations",
       with_json_body(log, [](json& b) { b.erase("associations"); }),
       "must have required property 'associations'"},
      {"lookup without the bearer token", without_header(lookup, "Authorization"),
       "Invalid security scheme"},
      {"lookup with limit as a string", with_json_body(lookup, [](json& b) { b["limit"] = "10"; }),
       "must be integer"},
      {"lookup with sorts as objects (HubSpot's prose form, not its description's)",
       with_json_body(lookup,
                      [](json& b) {
                        b["sorts"] = json::array({{{"propertyName", "hs_lastmodifieddate"},
                                                   {"direction", "DESCENDING"}}});
                      }),
       "must be string"},
      {"search for a logged call without filterGroups",
       with_json_body(adapter.find_logged_call("c-1"), [](json& b) { b.erase("filterGroups"); }),
       "must have required property 'filterGroups'"},
      {"create contact with the phone as a number",
       with_json_body(*adapter.create_contact(number),
                      [](json& b) { b["properties"]["phone"] = 34612345678LL; }),
       "must be string"},
  };
}

// The chains the delivery engine and the screen-pop run, answered by Prism
// (its examples from HubSpot's description: a contact found, a call logged).
std::vector<ContractJob> hubspot_jobs(const std::string& base_url) {
  const auto adapter = std::make_shared<const HubspotAdapter>(options(base_url));
  std::vector<ContractJob> jobs;
  const auto number = core::PhoneNumber::parse("+34612345678", "ES");
  jobs.push_back({"lookup_step +34612345678",
                  [adapter, number](auto so_far) { return adapter->lookup_step(number, so_far); }});
  for (const Direction dir : {Direction::Inbound, Direction::Outbound}) {
    for (const int attempt : {1, 2}) {  // 2: search for an already logged call first
      const auto r = record(dir, Disposition::Answered, "1001");
      jobs.push_back(
          {"log_step answered " + std::string(core::to_string(dir)) + ", attempt " +
               std::to_string(attempt),
           [adapter, r, attempt](auto so_far) { return adapter->log_step(r, so_far, attempt); }});
    }
  }
  return jobs;
}

CrmContract hubspot_contract() {
  return {
      .crm = "hubspot",
      .mounts = {{"crm/hubspot/contacts.v3.prism.json", "/crm/v3/objects/contacts"},
                 {"crm/hubspot/calls.v3.prism.json", "/crm/v3/objects/calls"}},
      .requests = hubspot_requests,
      .broken = hubspot_broken,
      .jobs = hubspot_jobs,
  };
}

CTI_CRM_CONTRACT_TESTS(Hubspot, hubspot_contract)

}  // namespace
}  // namespace cti::contract
