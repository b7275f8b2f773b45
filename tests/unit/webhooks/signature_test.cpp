#include "webhooks/signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

namespace cti::webhooks {
namespace {

// Independent reference: OpenSSL's one-shot HMAC, hex-encoded with snprintf.
std::string reference_hmac(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    hex += buf;
  }
  return hex;
}

TEST(Signature, Rfc4231TestCase1) {
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Signature, Rfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signature, Rfc4231TestCase6KeyLongerThanBlock) {
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Signature, SignsTimestampDotBody) {
  const std::string body = R"({"id":"c1:1","type":"call.ringing"})";
  const auto header = sign("s3cret", 1'795'879'455, body);
  EXPECT_EQ(header, "t=1795879455,v1=" + reference_hmac("s3cret", "1795879455." + body));
}

TEST(Signature, DifferentTimestampOrBodyChangesTheSignature) {
  EXPECT_NE(sign("k", 1, "body"), sign("k", 2, "body"));
  EXPECT_NE(sign("k", 1, "body"), sign("k", 1, "body!"));
  EXPECT_NE(sign("k", 1, "body"), sign("k2", 1, "body"));
}

}  // namespace
}  // namespace cti::webhooks
