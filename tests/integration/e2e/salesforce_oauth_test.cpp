// OAuth token refresh over real HTTP: a local server on 127.0.0.1 plays
// Salesforce (the token endpoint of the client credentials flow and the REST
// API). Its first access token expires after a few requests
// (401 INVALID_SESSION_ID); call-log jobs run through the real sender
// (webhooks::make_httplib_sender, prepare_crm_request's headers) and end
// Done with exactly one token refresh, also when several jobs hit the expiry
// at once.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/oauth_session.h"
#include "adapters/salesforce/salesforce_adapter.h"
#include "webhooks/crm_job.h"
#include "webhooks/http_sender.h"

namespace cti::e2e {
namespace {

using namespace std::chrono_literals;

const std::string kClientSecret = "sf-Client-Secret-4";

class LocalSalesforce {
 public:
  // `t1_uses`: API requests t1 is good for; after them it has expired.
  explicit LocalSalesforce(int t1_uses) : t1_uses_(t1_uses) {
    server_.Post("/services/oauth2/token", [this](const httplib::Request& req, auto& res) {
      std::lock_guard lk(mu_);
      token_forms_.push_back(req.body);
      content_types_.push_back(req.get_header_value("Content-Type"));
      const std::string token = token_forms_.size() == 1 ? "t1" : "t2";
      res.set_content(R"({"access_token":")" + token +
                          R"(","instance_url":"http://127.0.0.1","token_type":"Bearer",)"
                          R"("issued_at":"1764322409000","signature":"c2ln"})",
                      "application/json");
    });
    server_.Get("/services/data/v61.0/search/", [this](const httplib::Request& req, auto& res) {
      if (!authorized(req, res)) return;
      res.set_content(R"({"searchRecords":[{"attributes":{"type":"Contact"},"Id":"003Dn001",)"
                      R"("Name":"Lucía Fernández","Account":{"Name":"Acme Foods"},)"
                      R"("LastModifiedDate":"2026-11-01T10:00:00.000+0000"}]})",
                      "application/json");
    });
    server_.Post(
        "/services/data/v61.0/sobjects/Task", [this](const httplib::Request& req, auto& res) {
          if (!authorized(req, res)) return;
          std::lock_guard lk(mu_);
          ++tasks_;
          res.status = 201;
          res.set_content(R"({"id":"00T5g000001","success":true,"errors":[]})", "application/json");
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalSalesforce() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> token_forms() const {
    std::lock_guard lk(mu_);
    return token_forms_;
  }
  std::vector<std::string> token_content_types() const {
    std::lock_guard lk(mu_);
    return content_types_;
  }
  int tasks() const {
    std::lock_guard lk(mu_);
    return tasks_;
  }
  int rejected() const {
    std::lock_guard lk(mu_);
    return rejected_;
  }

 private:
  bool authorized(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lk(mu_);
    const std::string auth = req.get_header_value("Authorization");
    const bool ok = auth == "Bearer t2" || (auth == "Bearer t1" && t1_uses_-- > 0);
    if (!ok) {
      ++rejected_;
      res.status = 401;
      res.set_content(
          R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])",
          "application/json");
    }
    return ok;
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  int t1_uses_;
  int tasks_ = 0;
  int rejected_ = 0;
  std::vector<std::string> token_forms_, content_types_;
};

adapters::SalesforceOptions options(const LocalSalesforce& crm) {
  adapters::SalesforceOptions o;
  o.name = "sf";
  o.base_url = crm.url();
  adapters::OAuthOptions oauth;
  oauth.token_url = crm.url() + "/services/oauth2/token";
  oauth.client_id = "3MVG9consumerkey";
  oauth.client_secret = kClientSecret;
  o.oauth = oauth;
  return o;
}

core::CallRecord ended_call(int n) {
  core::CallRecord r;
  r.call_id = "main-" + std::to_string(n) + ".0";
  r.direction = core::Direction::Inbound;
  r.from = "+34600111222";
  r.to = "+34912000100";
  r.disposition = core::Disposition::Answered;
  r.talk_s = 30;
  return r;
}

class SalesforceOAuth : public ::testing::Test {
 protected:
  // `t1_uses`: API requests the first token is good for.
  LocalSalesforce& start_crm(int t1_uses) {
    crm_ = std::make_unique<LocalSalesforce>(t1_uses);
    return *crm_;
  }
  webhooks::JobResult log(const adapters::CrmAdapter& adapter, int n) {
    return webhooks::run_crm_log(adapter, ended_call(n), 1, [this](const core::HttpRequest& req) {
      return sender_->send(webhooks::prepare_crm_request(req), 10s);
    });
  }
  // Declared before the sender so that the sender (and its keep-alive
  // connections) goes first and the server stops without waiting them out.
  std::unique_ptr<LocalSalesforce> crm_;
  std::unique_ptr<webhooks::HttpSender> sender_ = webhooks::make_httplib_sender();
};

TEST_F(SalesforceOAuth, ACallLogOutlivesItsAccessToken) {
  LocalSalesforce& crm = start_crm(/*t1_uses=*/1);  // the lookup uses t1; the Task finds it expired
  const adapters::SalesforceAdapter adapter(options(crm));
  const webhooks::JobResult r = log(adapter, 1);
  ASSERT_TRUE(r.final.is(adapters::Step::Kind::Done)) << r.final.reason;
  EXPECT_EQ(r.last_status, 201);
  EXPECT_EQ(crm.tasks(), 1);
  EXPECT_EQ(crm.rejected(), 1);
  // The first token, then exactly one refresh.
  const auto forms = crm.token_forms();
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(r.token_requests, 2);
  for (const auto& form : forms) {
    EXPECT_NE(form.find("grant_type=client_credentials"), std::string::npos) << form;
    EXPECT_NE(form.find("client_secret=sf-Client-Secret-4"), std::string::npos) << form;
  }
  EXPECT_EQ(crm.token_content_types().at(0), "application/x-www-form-urlencoded");
  EXPECT_EQ(adapter.oauth()->current(), "t2");
  // The next call's job uses t2 without asking again.
  const webhooks::JobResult next = log(adapter, 2);
  ASSERT_TRUE(next.final.is(adapters::Step::Kind::Done)) << next.final.reason;
  EXPECT_EQ(next.token_requests, 0);
  EXPECT_EQ(crm.token_forms().size(), 2u);
  EXPECT_EQ(crm.tasks(), 2);
}

TEST_F(SalesforceOAuth, JobsHittingTheExpiryTogetherShareOneRefresh) {
  LocalSalesforce& crm = start_crm(/*t1_uses=*/2);
  const adapters::SalesforceAdapter adapter(options(crm));
  // Warm up: one lookup fetches t1 and uses it once.
  ASSERT_TRUE(webhooks::run_lookup(adapter, core::PhoneNumber::parse("+34600111222", "ES"),
                                   [this](const core::HttpRequest& req) {
                                     return sender_->send(webhooks::prepare_crm_request(req), 10s);
                                   })
                  .final.is(adapters::Step::Kind::Done));
  constexpr int kJobs = 6;
  std::vector<webhooks::JobResult> results(kJobs);
  std::vector<std::thread> threads;
  for (int i = 0; i < kJobs; ++i)
    threads.emplace_back([&, i] { results[i] = log(adapter, 10 + i); });
  for (auto& t : threads) t.join();
  for (const auto& r : results)
    EXPECT_TRUE(r.final.is(adapters::Step::Kind::Done)) << r.final.reason;
  EXPECT_EQ(crm.tasks(), kJobs);
  EXPECT_GE(crm.rejected(), 1);
  EXPECT_EQ(crm.token_forms().size(), 2u);  // t1, then one refresh for every job
  EXPECT_EQ(adapter.oauth()->fetches(), 2u);
}

}  // namespace
}  // namespace cti::e2e
