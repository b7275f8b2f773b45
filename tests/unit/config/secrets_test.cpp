// Error messages never contain a secret: not a literal secret from the file,
// not a value read from the environment, not the text around a syntax error.
#include <gtest/gtest.h>

#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

const std::string kLiteral = "Lit3ral-Secret-Value-XYZ";

void expect_no_secret(const ConfigError& e, const std::string& secret) {
  const std::string msg = e.to_string();
  EXPECT_EQ(msg.find(secret), std::string::npos) << "message leaks the secret: " << msg;
}

TEST(Secrets, WrongTypeOfSecretShowsOnlyTheType) {
  json j = base_config();
  j["pbx"][0]["secret"] = 987654321;
  const ConfigError e = error_of(j);
  EXPECT_EQ(e.path, "$.pbx[0].secret");
  EXPECT_EQ(e.reason, "expected a string, got an integer");
  expect_no_secret(e, "987654321");
}

TEST(Secrets, ShortTokenValueIsNotShown) {
  json j = base_config();
  j["api"]["tokens"] = {"tiny-token-42"};
  const ConfigError e = error_of(j);
  EXPECT_EQ(e.path, "$.api.tokens[0]");
  expect_no_secret(e, "tiny-token-42");
}

TEST(Secrets, ShortTokenFromEnvironmentIsNotShown) {
  const ConfigError e = error_of(base_config(), fake_env({{"AMI_SECRET", kAmiSecret},
                                                          {"WEBHOOK_SECRET", kWebhookSecret},
                                                          {"API_TOKEN", "envtok-77"}}));
  EXPECT_EQ(e.path, "$.api.tokens[0]");
  expect_no_secret(e, "envtok-77");
}

TEST(Secrets, TokenOfWrongTypeInArrayShowsOnlyTheType) {
  json j = base_config();
  j["api"]["tokens"] = {1234567890123456789LL};
  const ConfigError e = error_of(j);
  EXPECT_EQ(e.path, "$.api.tokens[0]");
  expect_no_secret(e, "1234567890123456789");
}

TEST(Secrets, ValuesFromEnvironmentAreShownAsTheirPlaceholder) {
  // A non-secret field filled from the environment: the message shows the
  // placeholder the user wrote, never the environment's value.
  json j = base_config();
  j["crm"][0]["url"] = "${HOOK_URL}";
  const ConfigError e = error_of(j, fake_env({{"AMI_SECRET", kAmiSecret},
                                              {"WEBHOOK_SECRET", kWebhookSecret},
                                              {"API_TOKEN", kApiToken},
                                              {"HOOK_URL", "ftp://user:" + kLiteral + "@h/"}}));
  EXPECT_EQ(e.path, "$.crm[0].url");
  EXPECT_NE(e.reason.find("\"${HOOK_URL}\""), std::string::npos) << e.reason;
  expect_no_secret(e, kLiteral);
}

TEST(Secrets, ErrorsElsewhereDoNotEchoSecretsOfTheBlock) {
  json j = base_config();
  j["pbx"][0]["secret"] = kLiteral;
  j["crm"][0]["secret"] = kLiteral;
  j["pbx"][0]["port"] = "bad";
  expect_no_secret(error_of(j), kLiteral);
  j["pbx"][0]["port"] = 5038;
  j["crm"][0]["urll"] = "x";
  expect_no_secret(error_of(j), kLiteral);
}

TEST(Secrets, MissingVariableErrorNamesTheVariableOnly) {
  json j = base_config();
  j["pbx"][0]["secret"] = "${AMI_SECRET}${MISSING_PART}";
  const ConfigError e = error_of(j);
  EXPECT_EQ(e.to_string(), "$.pbx[0].secret: environment variable MISSING_PART is not set");
  expect_no_secret(e, kAmiSecret);
}

TEST(Secrets, SyntaxErrorDoesNotQuoteTheInput) {
  // nlohmann's own message would include "last read: '...hunter...'".
  const std::string text =
      R"({"pbx": [{"name": "m", "host": "h", "username": "u", "secret": ")" + kLiteral;
  auto r = parse_config(text, fake_env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "$");
  expect_no_secret(r.error(), kLiteral);
  expect_no_secret(r.error(), "Lit3ral");
}

TEST(Secrets, SyntaxErrorAfterSecretInLiteralDoesNotQuoteIt) {
  const std::string text = R"({"api": {"tokens": [")" + kLiteral + R"(" tru]}})";
  auto r = parse_config(text, fake_env({}));
  ASSERT_FALSE(r);
  expect_no_secret(r.error(), kLiteral);
}

}  // namespace
}  // namespace cti::config
