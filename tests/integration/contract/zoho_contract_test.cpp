// Zoho's contract: every request ZohoAdapter builds, sent to Prism serving
// Zoho's record API description (tests/fixtures/crm/zoho/prism: the
// vendor's files with local $refs and the OAuth scheme re-declared as the
// Authorization header, see its SOURCES.md): Contacts/Leads/Calls search,
// the call log POST /crm/v8/Calls and an unknown caller's POST /crm/v8/Leads
// (or Contacts).
#include <memory>
#include <string>
#include <vector>

#include "adapters/zoho/zoho_adapter.h"
#include "tests/integration/contract/contract_harness.h"
#include "tests/integration/contract/contract_records.h"

namespace cti::contract {
namespace {

using adapters::Contact;
using adapters::ZohoAdapter;
using adapters::ZohoOptions;
using core::Direction;
using core::Disposition;

ZohoOptions options(const std::string& base_url) {
  ZohoOptions o;
  o.name = "zoho";
  o.base_url = base_url;
  o.token = "zoho-contract-test";
  o.users = {{"1001", "5725767000000411001"}};
  o.call_results = {{"busy", "No response/Busy"}, {"answered", "Interested"}};
  o.create_unknown_contacts = true;
  return o;
}

ZohoOptions creating(const std::string& base_url, const char* as) {
  ZohoOptions o = options(base_url);
  o.create_as = as;
  return o;
}

Contact record_of(const char* kind) {
  Contact c;
  c.crm = "zoho";
  c.id = std::string(kind) == "lead" ? "5725767000000520001" : "5725767000000510001";
  c.kind = kind;
  return c;
}

std::vector<ContractRequest> zoho_requests(const std::string& base_url) {
  std::vector<ContractRequest> out;
  for (const bool with_call_id_field : {false, true}) {
    ZohoOptions o = options(base_url);
    if (with_call_id_field) o.call_id_field = "CTI_Call_ID";
    const ZohoAdapter adapter(o);
    const std::string variant = with_call_id_field ? " (call_id_field)" : "";
    out.push_back({"find_logged_call" + variant, adapter.find_logged_call("c-contract-1")});
    for (const Disposition d : kDispositions) {
      for (const Direction dir : kDirections) {
        for (const char* agent : kAgents) {
          for (const char* linked : {"", "contact", "lead"}) {
            std::string label = "log_call " + std::string(core::to_string(d)) + " " +
                                std::string(core::to_string(dir)) + ", agent '" + agent + "', " +
                                (*linked ? linked : "no record") + variant;
            auto req = adapter.log_call(
                contract_record(dir, d, agent),
                *linked ? std::optional<Contact>(record_of(linked)) : std::nullopt);
            if (!req) {
              ADD_FAILURE() << "ZohoAdapter built no request for " << label;
              continue;
            }
            out.push_back({std::move(label), std::move(*req)});
          }
        }
      }
    }
  }
  const ZohoAdapter adapter(options(base_url));
  for (const ContractNumber& n : kNumbers) {
    const auto number = core::PhoneNumber::parse(n.raw, n.region);
    const auto first = adapter.lookup_step(number, {});
    if (!first.is(adapters::Step::Kind::Send)) {
      ADD_FAILURE() << "ZohoAdapter sent no lookup for " << n.raw;
      continue;
    }
    out.push_back({std::string("lookup ") + n.raw, first.request});
    out.push_back({std::string("search Leads ") + n.raw, adapter.search("Leads", number.value())});
    for (const char* as : {"lead", "contact"}) {
      // Asked by agent 1001, so the record carries its Owner too.
      const auto create = ZohoAdapter(creating(base_url, as)).create_contact({number, "1001"});
      if (!create) {
        ADD_FAILURE() << "ZohoAdapter built no create_contact (" << as << ") for " << n.raw;
        continue;
      }
      out.push_back({std::string("create_contact as ") + as + " " + n.raw, *create});
    }
  }
  return out;
}

std::vector<BrokenRequest> zoho_broken(const std::string& base_url) {
  const ZohoAdapter adapter(options(base_url));
  const core::HttpRequest log = *adapter.log_call(
      contract_record(Direction::Inbound, Disposition::Answered, "1001"), record_of("contact"));
  core::HttpRequest per_page = adapter.search("Contacts", "+34612345678");
  per_page.url += "&per_page=many";
  const core::HttpRequest create =
      *adapter.create_contact(core::PhoneNumber::parse("+34612345678", "ES"));
  using nlohmann::json;
  // Not here: a body without `data` (record.json does not require it).
  return {
      {"create lead with data as an object, not an array",
       with_json_body(create, [](json& b) { b["data"] = b["data"][0]; }), "must be array"},
      {"create lead without the Zoho-oauthtoken header", without_header(create, "Authorization"),
       "Invalid security scheme"},
      {"search without the Zoho-oauthtoken header",
       without_header(adapter.search("Contacts", "+34612345678"), "Authorization"),
       "Invalid security scheme"},
      {"call log with data as an object, not an array",
       with_json_body(log, [](json& b) { b["data"] = b["data"][0]; }), "must be array"},
      {"search with per_page not a number", per_page, "per_page"},
  };
}

std::vector<ContractJob> zoho_jobs(const std::string& base_url) {
  const auto adapter = std::make_shared<const ZohoAdapter>(options(base_url));
  std::vector<ContractJob> jobs;
  const auto number = core::PhoneNumber::parse("+34612345678", "ES");
  jobs.push_back({"lookup_step +34612345678",
                  [adapter, number](auto so_far) { return adapter->lookup_step(number, so_far); }});
  for (const char* as : {"lead", "contact"}) {
    const auto creator = std::make_shared<const ZohoAdapter>(creating(base_url, as));
    jobs.push_back(
        {std::string("create_step as ") + as + " +34612345678",
         [creator, number](auto so_far) { return creator->create_step(number, so_far); }});
  }
  for (const Direction dir : kDirections) {
    for (const int attempt : {1, 2}) {
      const auto r = contract_record(dir, Disposition::Answered, "1001");
      jobs.push_back(
          {"log_step answered " + std::string(core::to_string(dir)) + ", attempt " +
               std::to_string(attempt),
           [adapter, r, attempt](auto so_far) { return adapter->log_step(r, so_far, attempt); }});
    }
  }
  return jobs;
}

CrmContract zoho_contract() {
  return {
      .crm = "zoho",
      .mounts = {{"crm/zoho/prism/record.json", "/crm/v8"}},
      .requests = zoho_requests,
      .broken = zoho_broken,
      .jobs = zoho_jobs,
  };
}

CTI_CRM_CONTRACT_TESTS(Zoho, zoho_contract)

}  // namespace
}  // namespace cti::contract
