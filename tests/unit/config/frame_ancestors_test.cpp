// api.frame_ancestors: who may embed the agent panel in an iframe. The values
// go verbatim into a Content-Security-Policy header, so anything that is not
// exactly one source expression must be refused with its path.
#include <gtest/gtest.h>

#include "connector/config/validators.h"
#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;

TEST(Validators, FrameAncestor) {
  for (const char* ok :
       {"'self'", "https://crm.example.com", "http://localhost:8080", "https://*.example.com",
        "https://crm.example.com:*", "http://10.0.0.5", "https://[::1]:8443"})
    EXPECT_TRUE(is_frame_ancestor(ok)) << ok;
  for (const char* bad :
       {"", "*", "https:", "https://", "'none'", "self", "crm.example.com", "ftp://example.com",
        "https://crm.example.com/path", "https://crm.example.com;script-src *",
        "https://a.example.com https://b.example.com", "https://crm.example.com,https://x",
        "https://*", "https://crm.example.com:0", "https://crm.example.com:99999",
        "https://crm.example.com\r\nSet-Cookie: a=b", "https://exa'mple.com", "'unsafe-inline'"})
    EXPECT_FALSE(is_frame_ancestor(bad)) << bad;
}

TEST(FrameAncestors, DefaultForbidsFraming) {
  const auto c = parse(base_config());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->api.frame_ancestors, std::vector<std::string>{"'none'"});
}

TEST(FrameAncestors, KeepsTheListInOrder) {
  json j = base_config();
  j["api"]["frame_ancestors"] = {"'self'", "https://crm.example.com", "https://*.example.org"};
  const auto c = parse(j);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->api.frame_ancestors, (std::vector<std::string>{"'self'", "https://crm.example.com",
                                                              "https://*.example.org"}));
}

TEST(FrameAncestors, NoneAloneIsAccepted) {
  json j = base_config();
  j["api"]["frame_ancestors"] = {"'none'"};
  const auto c = parse(j);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->api.frame_ancestors, std::vector<std::string>{"'none'"});
}

struct BadCase {
  json value;
  std::string path;
  std::string reason;  // substring
};

TEST(FrameAncestors, ErrorsNameThePathAndTheReason) {
  const BadCase cases[] = {
      {json::array(), "$.api.frame_ancestors", "expected at least one source"},
      {"https://crm.example.com", "$.api.frame_ancestors", "expected an array"},
      {{"'none'", "'self'"}, "$.api.frame_ancestors[0]", "'none' cannot be combined"},
      {{"'self'", "none"}, "$.api.frame_ancestors[1]", "write \"'none'\" with its single quotes"},
      {{"self"}, "$.api.frame_ancestors[0]", "write \"'self'\" with its single quotes"},
      {{"https://crm.example.com/path"},
       "$.api.frame_ancestors[0]",
       "expected 'self' or an origin such as \"https://crm.example.com\""},
      {{"*"}, "$.api.frame_ancestors[0]", "got \"*\""},
      {{"https://a.example.com; script-src *"}, "$.api.frame_ancestors[0]", "expected 'self'"},
      {{42}, "$.api.frame_ancestors[0]", "expected a string"},
  };
  for (const auto& c : cases) {
    json j = base_config();
    j["api"]["frame_ancestors"] = c.value;
    const ConfigError e = error_of(j);
    EXPECT_EQ(e.path, c.path) << c.value.dump() << " -> " << e.to_string();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos)
        << c.value.dump() << " -> " << e.to_string();
  }
}

}  // namespace
}  // namespace cti::config
