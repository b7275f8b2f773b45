// Pipedrive's contract: every request PipedriveAdapter builds, sent to Prism
// serving Pipedrive's own descriptions, as published: v2 (person search,
// persons by update time, activities for the retry, creating an unknown
// caller's person) and v1 (call logs).
// Prism serves them without their servers' base paths (/api/v2, /v1); the
// adapter's /api/v1 is the company-domain form of api.pipedrive.com/v1.
#include <memory>
#include <string>
#include <vector>

#include "adapters/pipedrive/pipedrive_adapter.h"
#include "tests/integration/contract/contract_harness.h"
#include "tests/integration/contract/contract_records.h"

namespace cti::contract {
namespace {

using adapters::Contact;
using adapters::PipedriveAdapter;
using adapters::PipedriveOptions;
using core::Direction;
using core::Disposition;

PipedriveOptions options(const std::string& base_url) {
  PipedriveOptions o;
  o.name = "pd";
  o.base_url = base_url;
  o.token = "pd-contract-test";
  o.users = {{"1001", "777001"}};
  o.create_unknown_contacts = true;
  return o;
}

Contact person() {
  Contact c;
  c.crm = "pd";
  c.id = "4242";
  c.kind = "person";
  return c;
}

std::vector<ContractRequest> pipedrive_requests(const std::string& base_url) {
  std::vector<ContractRequest> out;
  for (const ContractNumber& n : kNumbers) {
    PipedriveOptions o = options(base_url);
    o.default_region = n.region;
    const PipedriveAdapter adapter(o);
    const auto number = core::PhoneNumber::parse(n.raw, n.region);
    // The lookup chain's first request, then the national form it tries next.
    const auto first = adapter.lookup_step(number, {});
    if (!first.is(adapters::Step::Kind::Send)) {
      ADD_FAILURE() << "PipedriveAdapter sent no lookup for " << n.raw;
      continue;
    }
    out.push_back({std::string("lookup ") + n.raw, first.request});
    // Asked by agent 1001, so the person carries its owner_id too.
    const auto create = adapter.create_contact({number, "1001"});
    if (!create) {
      ADD_FAILURE() << "PipedriveAdapter built no create_contact for " << n.raw;
      continue;
    }
    out.push_back({std::string("create_contact ") + n.raw, *create});
  }
  const PipedriveAdapter adapter(options(base_url));
  out.push_back({"search national form", adapter.search_persons("612345678")});
  out.push_back({"persons by update time", adapter.persons_by_update_time({"4242", "4343"})});
  for (const char* agent : kAgents) {
    out.push_back({std::string("find_logged_call agent '") + agent + "'",
                   adapter.find_logged_call(
                       contract_record(Direction::Inbound, Disposition::Answered, agent))});
  }
  for (const Disposition d : kDispositions) {
    for (const Direction dir : kDirections) {
      for (const char* agent : kAgents) {
        for (const bool linked : {false, true}) {
          std::string label = "log_call " + std::string(core::to_string(d)) + " " +
                              std::string(core::to_string(dir)) + ", agent '" + agent + "', " +
                              (linked ? "with person" : "no person");
          auto req = adapter.log_call(contract_record(dir, d, agent),
                                      linked ? std::optional<Contact>(person()) : std::nullopt);
          if (!req) {
            ADD_FAILURE() << "PipedriveAdapter built no request for " << label;
            continue;
          }
          out.push_back({std::move(label), std::move(*req)});
        }
      }
    }
  }
  return out;
}

std::vector<BrokenRequest> pipedrive_broken(const std::string& base_url) {
  const PipedriveAdapter adapter(options(base_url));
  const core::HttpRequest log = *adapter.log_call(
      contract_record(Direction::Inbound, Disposition::Answered, "1001"), person());
  core::HttpRequest two_fields = adapter.search_persons("+34612345678");
  two_fields.url.replace(two_fields.url.find("fields=phone"), 12, "fields=phone,email");
  core::HttpRequest query_token =
      without_header(adapter.search_persons("+34612345678"), "x-api-token");
  query_token.url += "&api_token=pd-contract-test";
  using nlohmann::json;
  const core::HttpRequest create =
      *adapter.create_contact(core::PhoneNumber::parse("+34612345678", "ES"));
  return {
      {"create person with phones as plain strings (the search answer's form)",
       with_json_body(create, [](json& b) { b["phones"] = json::array({"+34612345678"}); }),
       "must be object"},
      {"create person without the x-api-token header", without_header(create, "x-api-token"),
       "Invalid security scheme"},
      {"call log with an outcome outside the enum",
       with_json_body(log, [](json& b) { b["outcome"] = "answered"; }),
       "must be equal to one of the allowed values"},
      {"call log with the prose's time format (YYYY-MM-DD HH:MM:SS)",
       with_json_body(log, [](json& b) { b["start_time"] = "2026-11-28 15:24:15"; }),
       "must match format \"date-time\""},
      {"call log with person_id as a string",
       with_json_body(log, [](json& b) { b["person_id"] = "4242"; }), "must be integer"},
      {"call log without to_phone_number",
       with_json_body(log, [](json& b) { b.erase("to_phone_number"); }),
       "must have required property 'to_phone_number'"},
      {"person search with fields=phone,email", two_fields,
       "must be equal to one of the allowed values"},
      {"person search with the old ?api_token= instead of the header", query_token,
       "Invalid security scheme"},
  };
}

std::vector<ContractJob> pipedrive_jobs(const std::string& base_url) {
  const auto adapter = std::make_shared<const PipedriveAdapter>(options(base_url));
  std::vector<ContractJob> jobs;
  const auto number = core::PhoneNumber::parse("+34612345678", "ES");
  jobs.push_back({"lookup_step +34612345678",
                  [adapter, number](auto so_far) { return adapter->lookup_step(number, so_far); }});
  jobs.push_back({"create_step +34612345678",
                  [adapter, number](auto so_far) { return adapter->create_step(number, so_far); }});
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

CrmContract pipedrive_contract() {
  return {
      .crm = "pipedrive",
      .mounts = {{"crm/pipedrive/openapi-v2.yaml", "/api/v2", "/api/v2"},
                 {"crm/pipedrive/openapi-v1.yaml", "/api/v1", "/api/v1"}},
      .requests = pipedrive_requests,
      .broken = pipedrive_broken,
      .jobs = pipedrive_jobs,
  };
}

CTI_CRM_CONTRACT_TESTS(Pipedrive, pipedrive_contract)

}  // namespace
}  // namespace cti::contract
