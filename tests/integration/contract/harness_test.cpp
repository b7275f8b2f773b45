// The contract harness itself: it must report what Prism says about the
// request (not about its own invented answer), fail (not hang, not skip) when
// Prism cannot start, and say how to get node and Prism when they are missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tests/integration/contract/contract_harness.h"

namespace cti::contract {
namespace {

TEST(ContractHarness, KeepsRequestViolationsApartFromResponseOnes) {
  // As Prism 5 prints it (HubSpot calls spec, no token, no associations).
  const std::string header =
      R"([{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"},)"
      R"({"location":["request","body"],"severity":"Error","code":"required","message":"Request body must have required property 'associations'"},)"
      R"({"location":["response","body","id"],"severity":"Warning","code":"type","message":"must be string"}])";
  PrismVerdict v;
  v.status = 401;
  read_violations(header, v);
  EXPECT_EQ(v.request_violations,
            (std::vector<std::string>{
                "request: Invalid security scheme used [401] (Error)",
                "request.body: Request body must have required property 'associations' [required] "
                "(Error)"}));
  EXPECT_EQ(v.other_violations,
            std::vector<std::string>{"response.body.id: must be string [type] (Warning)"});
  EXPECT_FALSE(v.accepted());
}

TEST(ContractHarness, AcceptedMeansSuccessAndNoRequestViolation) {
  PrismVerdict v;
  v.status = 201;
  read_violations(R"([{"location":["response","body"],"severity":"Error","message":"x"}])", v);
  EXPECT_TRUE(v.accepted()) << "a problem in Prism's own answer is not ours";
  v.status = 404;  // no route in the description
  EXPECT_FALSE(v.accepted());
  v.status = 200;
  read_violations("not json", v);
  EXPECT_FALSE(v.accepted()) << "an unreadable header must not pass";
}

TEST(ContractHarness, ReadsPrismsOwnErrorWhenTheSpecDeclaresNone) {
  // Pipedrive's person search declares no 422: Prism answers problem+json
  // with the list in the body and no sl-violations header.
  PrismVerdict v;
  v.status = 422;
  read_prism_error(
      R"({"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request",)"
      R"("status":422,"validation":[{"location":["query","fields"],"severity":"Error","code":"enum",)"
      R"("message":"Request query parameter fields must be equal to one of the allowed values"}]})",
      v);
  EXPECT_EQ(v.request_violations,
            std::vector<std::string>{"request.query.fields: Request query parameter fields must be "
                                     "equal to one of the allowed values [enum] (Error)"});

  PrismVerdict unauthorized;
  unauthorized.status = 401;
  read_prism_error(R"({"type":"https://stoplight.io/prism/errors#UNAUTHORIZED",)"
                   R"("title":"Invalid security scheme used","status":401})",
                   unauthorized);
  EXPECT_EQ(unauthorized.request_violations,
            std::vector<std::string>{"request: Invalid security scheme used [UNAUTHORIZED]"});

  PrismVerdict canned;  // a vendor example body says nothing about our request
  read_prism_error(R"({"message":"Invalid input","category":"VALIDATION_ERROR"})", canned);
  EXPECT_TRUE(canned.request_violations.empty());
}

TEST(ContractHarness, MissingNodeFailsAndSaysToRunBootstrap) {
  const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent-cti-contract", 1);
  const auto tool = PrismTool::find();
  ::setenv("PATH", saved.c_str(), 1);
  ASSERT_FALSE(tool.has_value());
  EXPECT_NE(tool.error().find("scripts/bootstrap"), std::string::npos) << tool.error();
}

TEST(ContractHarness, PrismThatExitsBeforeReadyIsAnErrorWithItsOutput) {
  auto tool = PrismTool::find();
  ASSERT_TRUE(tool) << tool.error();
  const auto spec = std::filesystem::temp_directory_path() /
                    ("cti-contract-not-a-spec-" + std::to_string(::getpid()) + ".json");
  std::ofstream(spec) << "{}";
  const auto server = PrismServer::start(*tool, spec, std::chrono::seconds(120));
  std::filesystem::remove(spec);
  ASSERT_FALSE(server.has_value());
  EXPECT_NE(server.error().find("exited before it was ready"), std::string::npos) << server.error();
  EXPECT_NE(server.error().find("Unsupported document format"), std::string::npos)
      << server.error();
}

}  // namespace
}  // namespace cti::contract
