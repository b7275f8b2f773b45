// describe_answer: what a dead letter, a log line and the panel's refusal say
// about a CRM's error answer. The CRM's own message and code when its body is
// a known JSON error shape (crm-apis.md: each CRM's error format), the raw
// start of the body otherwise, never cutting a UTF-8 character in two.
#include "adapters/common/answers.h"

#include <gtest/gtest.h>

namespace cti::adapters {
namespace {

core::HttpResponse answer(int status, std::string body) {
  core::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(DescribeAnswer, ReadsEachCrmsErrorShape) {
  struct Case {
    const char* crm;
    int status;
    const char* body;
    const char* expected;
  };
  const Case cases[] = {
      {"hubspot", 400,
       R"({"status":"error","message":"Property values were not valid","correlationId":"x",)"
       R"("category":"VALIDATION_ERROR"})",
       "HTTP 400: Property values were not valid (VALIDATION_ERROR)"},
      {"pipedrive", 400, R"({"success":false,"error":"Person name is required","error_info":"x"})",
       "HTTP 400: Person name is required"},
      {"salesforce", 400,
       R"([{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING",)"
       R"("fields":["LastName"]}])",
       "HTTP 400: Required fields are missing: [LastName] (REQUIRED_FIELD_MISSING)"},
      {"zoho", 202,
       R"({"data":[{"code":"DUPLICATE_DATA","details":{},"message":"duplicate data","status":"error"}]})",
       "HTTP 202: duplicate data (DUPLICATE_DATA)"},
      {"zoho top level", 401,
       R"({"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"})",
       "HTTP 401: invalid oauth token (INVALID_TOKEN)"},
      {"oauth", 400,
       R"({"error":"invalid_client","error_description":"invalid client credentials"})",
       "HTTP 400: invalid client credentials (invalid_client)"},
      {"odoo", 200,
       R"({"jsonrpc":"2.0","error":{"code":200,"message":"Odoo Server Error",)"
       R"("data":{"message":"Access Denied"}}})",
       "HTTP 200: Access Denied"},
      {"not json", 502, "<html>Bad gateway</html>", "HTTP 502: <html>Bad gateway</html>"},
      {"json without a message", 400, R"({"ok":false})", R"(HTTP 400: {"ok":false})"},
      {"empty", 503, "", "HTTP 503"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(describe_answer(answer(c.status, c.body)), c.expected) << c.crm;
}

TEST(DescribeAnswer, LongTextIsCutAtACharacterBoundary) {
  // 199 ASCII bytes then "é" (2 bytes): byte 200 is inside the "é".
  const std::string body = std::string(199, 'a') + "é" + std::string(50, 'b');
  const std::string text = describe_answer(answer(500, body));
  EXPECT_EQ(text, "HTTP 500: " + std::string(199, 'a') + "…");
  const std::string message = std::string(300, 'm');
  EXPECT_EQ(describe_answer(answer(400, R"({"message":")" + message + "\"}")),
            "HTTP 400: " + std::string(200, 'm') + "…");
  EXPECT_EQ(describe_answer(answer(0, "connection refused")), "network error: connection refused");
}

}  // namespace
}  // namespace cti::adapters
