// HubSpot's contract: every request HubspotAdapter builds, sent to Prism
// serving HubSpot's own v3 descriptions (contacts: lookup and create; calls:
// call log and the retry's search for an already logged call).
#include <memory>
#include <string>
#include <vector>

#include "adapters/hubspot/hubspot_adapter.h"
#include "tests/integration/contract/contract_harness.h"
#include "tests/integration/contract/contract_records.h"

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
  return contract_record(direction, disposition, agent);
}

Contact contact(bool ambiguous) {
  Contact c;
  c.crm = "hs";
  c.id = "12345";
  c.ambiguous = ambiguous;
  c.matches = ambiguous ? 2 : 1;
  return c;
}

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

  for (const ContractNumber& n : kNumbers) {
    for (const bool region_set : {false, true}) {  // default_region, or the number's own
      HubspotOptions o = options(base_url);
      if (region_set) o.default_region = n.region;
      const HubspotAdapter adapter(o);
      const auto number = core::PhoneNumber::parse(n.raw, n.region);
      add(std::string("lookup ") + n.raw +
              (region_set ? " default_region " + std::string(n.region) : ""),
          adapter.lookup(number));
    }
    const HubspotAdapter adapter(options(base_url));
    add(std::string("create_contact ") + n.raw,
        adapter.create_contact({core::PhoneNumber::parse(n.raw, n.region), "1001"}));
  }

  for (const bool with_call_id_property : {false, true}) {
    HubspotOptions o = options(base_url);
    if (with_call_id_property) o.call_id_property = "cti_call_id";
    const HubspotAdapter adapter(o);
    const std::string variant = with_call_id_property ? " (call_id_property)" : "";
    add("find_logged_call" + variant, adapter.find_logged_call("c-contract-1"));
    for (const Disposition d : kDispositions) {
      for (const Direction dir : kDirections) {
        for (const char* agent : kAgents) {
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
