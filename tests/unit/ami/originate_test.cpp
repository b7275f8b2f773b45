// The click-to-call Originate has the shape Asterisk 22 accepted when
// capture h was recorded, and refuses header injection.
#include "connector/pbx/ami/originate.h"

#include <gtest/gtest.h>

namespace cti::pbx::ami {
namespace {

OriginateRequest h_request() {
  OriginateRequest r;
  r.agent_endpoint = "Local/1001@agents";
  r.context = "from-internal";
  r.exten = "600111222";
  r.caller_id = "+34910000001";
  r.call_id = "c2c-h-0001";
  return r;
}

TEST(Originate, MatchesTheActionOfCaptureH) {
  auto headers = originate_action(h_request());
  ASSERT_TRUE(headers) << headers.error();
  const Headers want = {{"Action", "Originate"},
                        {"Channel", "Local/1001@agents"},
                        {"Context", "from-internal"},
                        {"Exten", "600111222"},
                        {"Priority", "1"},
                        {"CallerID", "+34910000001"},
                        {"Timeout", "30000"},
                        {"Variable", "CTI_CALL_ID=c2c-h-0001"},
                        {"Async", "true"}};
  EXPECT_EQ(*headers, want);
}

TEST(Originate, RefusesInjectionAndEmptyFields) {
  auto r = h_request();
  r.exten = "600111222\r\nAction: Command";
  EXPECT_FALSE(originate_action(r));
  r = h_request();
  r.caller_id.clear();
  EXPECT_FALSE(originate_action(r));
  r = h_request();
  r.call_id = "a,b";
  EXPECT_FALSE(originate_action(r));
  r = h_request();
  r.ring_timeout = std::chrono::milliseconds(0);
  EXPECT_FALSE(originate_action(r));
}

}  // namespace
}  // namespace cti::pbx::ami
