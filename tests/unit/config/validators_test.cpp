#include "connector/config/validators.h"

#include <gtest/gtest.h>

namespace cti::config {
namespace {

TEST(Validators, RegionCode) {
  EXPECT_TRUE(is_region_code("ES"));
  EXPECT_TRUE(is_region_code("US"));
  EXPECT_FALSE(is_region_code("es"));
  EXPECT_FALSE(is_region_code("E"));
  EXPECT_FALSE(is_region_code("ESP"));
  EXPECT_FALSE(is_region_code("E1"));
  EXPECT_FALSE(is_region_code(""));
}

TEST(Validators, E164) {
  EXPECT_TRUE(is_e164("+34912000100"));
  EXPECT_TRUE(is_e164("+14155550100"));
  EXPECT_TRUE(is_e164("+123456789012345"));    // 15 digits, the maximum
  EXPECT_FALSE(is_e164("+1234567890123456"));  // 16 digits
  EXPECT_FALSE(is_e164("34912000100"));
  EXPECT_FALSE(is_e164("+034912000100"));
  EXPECT_FALSE(is_e164("+34 912 000 100"));
  EXPECT_FALSE(is_e164("+"));
  EXPECT_FALSE(is_e164(""));
}

TEST(Validators, Extension) {
  EXPECT_TRUE(is_extension("1001", 6));
  EXPECT_TRUE(is_extension("1", 1));
  EXPECT_FALSE(is_extension("1001", 3));
  EXPECT_FALSE(is_extension("", 6));
  EXPECT_FALSE(is_extension("10a1", 6));
}

TEST(Validators, ListenAddress) {
  EXPECT_TRUE(is_listen_address("127.0.0.1:8080"));
  EXPECT_TRUE(is_listen_address("0.0.0.0:0"));
  EXPECT_TRUE(is_listen_address("localhost:65535"));
  EXPECT_TRUE(is_listen_address("[::1]:8080"));
  EXPECT_TRUE(is_listen_address("[::]:80"));
  EXPECT_FALSE(is_listen_address("127.0.0.1"));
  EXPECT_FALSE(is_listen_address("127.0.0.1:"));
  EXPECT_FALSE(is_listen_address(":8080"));
  EXPECT_FALSE(is_listen_address("127.0.0.1:65536"));
  EXPECT_FALSE(is_listen_address("127.0.0.1:-1"));
  EXPECT_FALSE(is_listen_address("::1:8080"));
  EXPECT_FALSE(is_listen_address("[::1]"));
  EXPECT_FALSE(is_listen_address("host name:80"));
  EXPECT_FALSE(is_listen_address("http://127.0.0.1:80"));
}

TEST(Validators, HttpUrl) {
  EXPECT_TRUE(is_http_url("http://127.0.0.1:9000/hook"));
  EXPECT_TRUE(is_http_url("https://crm.example.com"));
  EXPECT_TRUE(is_http_url("HTTPS://crm.example.com/a?b=c#d"));
  EXPECT_TRUE(is_http_url("https://user:pw@crm.example.com/x"));
  EXPECT_TRUE(is_http_url("http://[::1]:8080/x"));
  EXPECT_FALSE(is_http_url("ftp://example.com"));
  EXPECT_FALSE(is_http_url("http://"));
  EXPECT_FALSE(is_http_url("http:///path"));
  EXPECT_FALSE(is_http_url("http://host:0/"));
  EXPECT_FALSE(is_http_url("http://host:99999/"));
  EXPECT_FALSE(is_http_url("http://a b/"));
  EXPECT_FALSE(is_http_url("example.com/hook"));
  EXPECT_FALSE(is_http_url(""));
}

}  // namespace
}  // namespace cti::config
