// https delivery through the real cpp-httplib client and OpenSSL against a
// real TLS server with a certificate made for this test: accepted when its CA
// is trusted, refused (status 0) when it is not.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "webhooks/http_sender.h"

namespace {

class HttpsSender : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cti-tls-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " +
        (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl (installed by scripts/bootstrap) failed";
    server_ = std::make_unique<httplib::SSLServer>((dir_ / "cert.pem").c_str(),
                                                   (dir_ / "key.pem").c_str());
    ASSERT_TRUE(server_->is_valid());
    server_->Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = req.body;
      res.status = 204;
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // bind_to_any_port already listens: connections queue until the accept loop runs.
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  cti::core::HttpRequest request() const {
    cti::core::HttpRequest r;
    r.url = "https://127.0.0.1:" + std::to_string(port_) + "/hook";
    r.body = R"({"type":"call.ended"})";
    return r;
  }

  std::filesystem::path dir_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string last_body_;
};

TEST_F(HttpsSender, DeliversOverTlsWhenTheCaIsTrusted) {
  auto sender = cti::webhooks::make_httplib_sender((dir_ / "cert.pem").string());
  const auto res = sender->send(request(), std::chrono::seconds(10));
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_EQ(last_body_, R"({"type":"call.ended"})");
}

TEST_F(HttpsSender, RefusesAnUntrustedCertificate) {
  auto sender = cti::webhooks::make_httplib_sender();  // system CAs only
  const auto res = sender->send(request(), std::chrono::seconds(10));
  EXPECT_EQ(res.status, 0) << "must not deliver to an unverified peer";
  EXPECT_TRUE(last_body_.empty());
}

}  // namespace
