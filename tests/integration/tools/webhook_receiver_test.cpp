// The webhook receiver as a real child process, driven over HTTP.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/tools/tool_test_support.h"
#include "tools/support/child_process.h"

namespace cti::tools::test {
namespace {

const std::string kSecret = "hook-secret";

// Computed here with OpenSSL directly, not with the receiver's helper, so a
// bug there cannot cancel itself out.
std::string sign(const std::string& secret, long long t, const std::string& body) {
  std::string payload = std::to_string(t) + "." + body;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), md, &len);
  std::string hex;
  char byte[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", md[i]);
    hex += byte;
  }
  return "t=" + std::to_string(t) + ",v1=" + hex;
}

long long now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::string kBody =
    R"({"id":"evt-1","type":"call.ringing","occurred_at":"2026-11-28T15:13:29.980Z","seq":1,)"
    R"("call":{"call_id":"main-1795878809.0","agent":"1001"}})";

class WebhookReceiverTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra_args) {
    std::vector<std::string> argv = {std::string(CTI_BINARY_DIR) + "/webhook-receiver",
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--secret",
                                     kSecret,
                                     "--port-file",
                                     dir_ / "port",
                                     "--record",
                                     dir_ / "record.jsonl"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    auto child = ChildProcess::spawn(argv, dir_ / "stdout.log");
    ASSERT_TRUE(child.has_value()) << child.error();
    receiver_.emplace(std::move(*child));
    auto port = wait_for_port_file(dir_ / "port", *receiver_);
    ASSERT_TRUE(port.has_value()) << "webhook-receiver did not start";
    client_.emplace("127.0.0.1", *port);
    client_->set_read_timeout(30, 0);
  }
  void TearDown() override {
    client_.reset();
    receiver_.reset();
  }

  httplib::Result post(const std::string& body, const std::string& signature,
                       const std::string& key) {
    httplib::Headers h;
    if (!signature.empty()) h.emplace("X-Signature", signature);
    if (!key.empty()) h.emplace("Idempotency-Key", key);
    return client_->Post("/hook", h, body, "application/json");
  }

  nlohmann::json stats() {
    auto r = client_->Get("/stats");
    EXPECT_TRUE(r) << "GET /stats failed";
    return r ? nlohmann::json::parse(r->body) : nlohmann::json::object();
  }

  std::vector<nlohmann::json> recorded() {
    std::vector<nlohmann::json> out;
    std::istringstream in(read_file(dir_.path() / "record.jsonl"));
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  TempDir dir_;
  std::optional<ChildProcess> receiver_;
  std::optional<httplib::Client> client_;
};

TEST_F(WebhookReceiverTest, AcceptsSignedRejectsForgedAndCountsDuplicates) {
  ASSERT_NO_FATAL_FAILURE(start({}));
  auto ok = post(kBody, sign(kSecret, now_unix(), kBody), "main-1795878809.0:1:hooks");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);

  auto forged = post(kBody, sign("wrong-secret", now_unix(), kBody), "k-forged");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);

  auto tampered = post(kBody + " ", sign(kSecret, now_unix(), kBody), "k-tampered");
  ASSERT_TRUE(tampered);
  EXPECT_EQ(tampered->status, 401);

  auto stale = post(kBody, sign(kSecret, now_unix() - 301, kBody), "k-stale");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 401);

  auto dup = post(kBody, sign(kSecret, now_unix(), kBody), "main-1795878809.0:1:hooks");
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 200);

  auto s = stats();
  EXPECT_EQ(s.value("received", -1), 1);
  EXPECT_EQ(s.value("duplicates", -1), 1);
  EXPECT_EQ(s.value("bad_signatures", -1), 3);

  auto rec = recorded();
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0]["idempotency_key"], "main-1795878809.0:1:hooks");
  EXPECT_EQ(rec[0]["signature_ok"], true);
  EXPECT_EQ(rec[0]["body"], nlohmann::json::parse(kBody));

  // The one-line summary on stdout names the event, call, seq and agent.
  receiver_->stop();
  auto out = read_file(dir_.path() / "stdout.log");
  EXPECT_NE(out.find("call.ringing"), std::string::npos) << out;
  EXPECT_NE(out.find("main-1795878809.0 seq=1 agent=1001"), std::string::npos) << out;
}

TEST_F(WebhookReceiverTest, MissingSignatureOrKeyIsRejected) {
  ASSERT_NO_FATAL_FAILURE(start({}));
  auto unsigned_post = post(kBody, "", "k-1");
  ASSERT_TRUE(unsigned_post);
  EXPECT_EQ(unsigned_post->status, 401);
  auto no_key = post(kBody, sign(kSecret, now_unix(), kBody), "");
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 400);
  EXPECT_EQ(stats().value("received", -1), 0);
  EXPECT_TRUE(recorded().empty());
}

TEST_F(WebhookReceiverTest, FailFirstAnswersConfiguredStatusWithRetryAfter) {
  ASSERT_NO_FATAL_FAILURE(
      start({"--fail-first", "2", "--fail-status", "429", "--retry-after", "1", "--quiet"}));
  for (int i = 0; i < 2; ++i) {
    auto r = post(kBody, sign(kSecret, now_unix(), kBody), "k-retry");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  }
  auto r = post(kBody, sign(kSecret, now_unix(), kBody), "k-retry");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto s = stats();
  EXPECT_EQ(s.value("received", -1), 1);
  EXPECT_EQ(s.value("duplicates", -1), 0);
  EXPECT_EQ(recorded().size(), 1u);
}

}  // namespace
}  // namespace cti::tools::test
