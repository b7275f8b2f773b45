#pragma once
// CRM contract tests: every request an adapter builds is sent to Stoplight
// Prism serving the CRM's own published API description, and Prism must
// accept it (2xx, no request-side entry in its `sl-violations` header).
//
// A CRM is one table entry (CrmContract): the descriptions to serve, each
// mounted at the path prefix it owns, and a function producing the requests.
// The adapter under test is built with base_url = kContractBaseUrl; the
// harness routes each request to the Prism serving its path (one CRM may need
// several descriptions, e.g. HubSpot contacts + calls, Pipedrive v1 + v2) and
// strips the description's server base path ("/api/v2"), which Prism does
// not serve. CTI_CRM_CONTRACT_TESTS(Name, contract_fn) then defines the
// suite: Prism started once per suite, every request accepted, every
// deliberately broken request rejected (so a harness that accepts anything
// is caught).
#include <gtest/gtest.h>

#include <chrono>
#include <expected>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "connector/core/http_request.h"
#include "tests/integration/contract/prism_server.h"
#include "webhooks/http_sender.h"

namespace cti::contract {

// The base_url every adapter under test gets. Never resolved: the harness
// replaces it with the Prism that serves the request's path.
inline constexpr const char* kContractBaseUrl = "http://crm.contract.invalid";

// One API description and the request paths it answers.
struct SpecMount {
  std::string spec;         // relative to tests/fixtures (CTI_FIXTURES)
  std::string path_prefix;  // requests whose path starts with it go here
  // The path of the description's `servers` URL (Pipedrive v2: "/api/v2"):
  // Prism serves paths without it, so it is removed before sending.
  std::string strip_prefix = {};
};

// A request the adapter built, with what produced it (for messages).
struct ContractRequest {
  std::string label;  // "log_call answered inbound, owner mapped, with contact"
  core::HttpRequest request;
};

// An adapter request broken on purpose, and a fragment of the violation
// Prism must report for it (case-sensitive substring of one request-side
// message, e.g. "must have required property 'associations'").
struct BrokenRequest {
  std::string label;
  core::HttpRequest request;
  std::string expected_violation;
};

// A multi-request job as the adapter runs it (lookup_step, log_step): the
// harness plays the delivery engine, answering each Send with Prism's
// response, so the requests built from an earlier answer (the contact id
// from the lookup) are checked too. Must end Done.
struct ContractJob {
  std::string label;
  // Owns what it needs (capture the adapter by shared_ptr).
  std::function<adapters::Step(std::span<const adapters::Exchange>)> next;
};

struct CrmContract {
  std::string crm;
  std::vector<SpecMount> mounts;
  // All three get kContractBaseUrl as base_url; none may be empty.
  std::function<std::vector<ContractRequest>(const std::string& base_url)> requests;
  std::function<std::vector<BrokenRequest>(const std::string& base_url)> broken;
  std::function<std::vector<ContractJob>(const std::string& base_url)> jobs;
};

// What Prism said about one request.
struct PrismVerdict {
  int status = 0;
  std::vector<std::string> request_violations;  // "request.body.limit: ... [type]"
  std::vector<std::string> other_violations;    // about Prism's own invented answer
  core::HttpResponse response;                  // as the adapter would read it
  std::string error;  // routing or transport problem, "" if Prism answered
  bool accepted() const {
    return error.empty() && status >= 200 && status < 300 && request_violations.empty();
  }
  std::string describe() const;  // for failure messages
};

// The Prism servers of one CRM and the routing to them.
class ContractServers {
 public:
  static std::expected<std::unique_ptr<ContractServers>, std::string> start(
      const CrmContract& contract);
  // Sends `request` with the headers the delivery engine adds
  // (webhooks::prepare_crm_request) to the
  // Prism serving its path.
  PrismVerdict send(const core::HttpRequest& request);
  const std::vector<std::unique_ptr<PrismServer>>& servers() const { return servers_; }

 private:
  ContractServers() = default;
  std::vector<SpecMount> mounts_;
  std::vector<std::unique_ptr<PrismServer>> servers_;  // one per mount
  std::unique_ptr<webhooks::HttpSender> sender_;
};

// Parses Prism's `sl-violations` header (JSON array of {location, severity,
// code, message}) into the verdict.
void read_violations(const std::string& header, PrismVerdict& verdict);
// When the description declares no answer for an invalid request (Pipedrive,
// Zoho), Prism answers its own problem+json (type https://stoplight.io/prism/
// errors#...) and sends no sl-violations header: the list is the body's
// `validation` array (locations without the leading "request"), or for a 401
// only its title. Other bodies (the vendor's canned examples) are ignored.
void read_prism_error(const std::string& body, PrismVerdict& verdict);

// Helpers to break an adapter's request on purpose.
core::HttpRequest with_json_body(core::HttpRequest request,
                                 const std::function<void(nlohmann::json&)>& change);
core::HttpRequest without_header(core::HttpRequest request, const std::string& name);

// The suite for one CRM. `Contract` returns the table entry.
template <CrmContract (*Contract)()>
class CrmContractSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    contract_ = std::make_unique<CrmContract>(Contract());
    auto started = ContractServers::start(*contract_);
    if (!started) {
      start_error_ = started.error();
      return;
    }
    servers_ = std::move(*started);
    for (const auto& s : servers_->servers()) {
      std::cout << "[ contract ] " << contract_->crm << ": Prism on " << s->spec().filename()
                << " ready in " << s->startup_time().count() << " ms\n";
    }
  }
  static void TearDownTestSuite() {
    servers_.reset();
    contract_.reset();
    start_error_.clear();
  }

  void expect_every_request_accepted() {
    ASSERT_TRUE(servers_) << start_error_;
    const auto requests = contract_->requests(kContractBaseUrl);
    ASSERT_FALSE(requests.empty()) << contract_->crm << ": the table produced no request";
    for (const ContractRequest& r : requests) {
      const PrismVerdict v = servers_->send(r.request);
      EXPECT_TRUE(v.accepted()) << contract_->crm << " " << r.label << ": " << r.request.method
                                << " " << r.request.url << "\n"
                                << v.describe() << "request body: " << r.request.body;
    }
    std::cout << "[ contract ] " << contract_->crm << ": " << requests.size()
              << " requests sent to Prism\n";
  }

  void expect_every_broken_request_rejected() {
    ASSERT_TRUE(servers_) << start_error_;
    const auto broken = contract_->broken(kContractBaseUrl);
    ASSERT_FALSE(broken.empty()) << contract_->crm << ": no broken request to prove the test fails";
    for (const BrokenRequest& b : broken) {
      const PrismVerdict v = servers_->send(b.request);
      EXPECT_TRUE(v.error.empty()) << b.label << ": " << v.error;
      EXPECT_GE(v.status, 400) << b.label << ": Prism accepted a broken request\n" << v.describe();
      EXPECT_LT(v.status, 500) << b.label << "\n" << v.describe();
      bool found = false;
      for (const auto& m : v.request_violations)
        found = found || m.find(b.expected_violation) != std::string::npos;
      EXPECT_TRUE(found) << b.label << ": no request violation mentions \"" << b.expected_violation
                         << "\"\n"
                         << v.describe();
    }
  }

  void expect_every_job_done() {
    ASSERT_TRUE(servers_) << start_error_;
    ASSERT_TRUE(contract_->jobs) << contract_->crm << ": no jobs in the table";
    const auto jobs = contract_->jobs(kContractBaseUrl);
    ASSERT_FALSE(jobs.empty()) << contract_->crm << ": the table produced no job";
    constexpr int kMaxSteps = 10;  // a job that never ends is a bug
    for (const ContractJob& job : jobs) {
      std::vector<adapters::Exchange> so_far;
      adapters::Step step = job.next(so_far);
      while (step.is(adapters::Step::Kind::Send) && so_far.size() < kMaxSteps) {
        const PrismVerdict v = servers_->send(step.request);
        if (!v.accepted()) {
          ADD_FAILURE() << contract_->crm << " job " << job.label << ", request "
                        << so_far.size() + 1 << ": " << step.request.method << " "
                        << step.request.url << "\n"
                        << v.describe() << "request body: " << step.request.body;
          break;
        }
        so_far.push_back({step.request, v.response});
        step = job.next(so_far);
      }
      // Send here: stopped at a rejected request (reported above).
      EXPECT_FALSE(step.is(adapters::Step::Kind::Retry) || step.is(adapters::Step::Kind::Fail))
          << contract_->crm << " job " << job.label << " gave up after " << so_far.size()
          << " requests: " << step.reason;
      EXPECT_LT(so_far.size(), static_cast<std::size_t>(kMaxSteps)) << job.label;
      std::cout << "[ contract ] " << contract_->crm << " job " << job.label << ": "
                << so_far.size() << " requests" << (step.reason.empty() ? "" : ", " + step.reason)
                << "\n";
    }
  }

  static inline std::unique_ptr<CrmContract> contract_;
  static inline std::unique_ptr<ContractServers> servers_;
  static inline std::string start_error_;
};

}  // namespace cti::contract

// The two tests of a CRM's contract suite: `Name##Contract`.
#define CTI_CRM_CONTRACT_TESTS(Name, contract_fn)                                       \
  class Name##Contract : public ::cti::contract::CrmContractSuite<&contract_fn> {};     \
  TEST_F(Name##Contract, PrismAcceptsEveryRequest) { expect_every_request_accepted(); } \
  TEST_F(Name##Contract, PrismRejectsEveryBrokenRequest) {                              \
    expect_every_broken_request_rejected();                                             \
  }                                                                                     \
  TEST_F(Name##Contract, EveryJobRunsToDoneAgainstPrism) { expect_every_job_done(); }
