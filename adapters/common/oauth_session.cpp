#include "adapters/common/oauth_session.h"

#include <utility>

namespace cti::adapters {

OAuthSession::OAuthSession(OAuthOptions options, std::string first_token)
    : options_(std::move(options)), token_(std::move(first_token)) {}

std::string OAuthSession::current() const {
  std::lock_guard lk(state_mu_);
  return token_;
}

void OAuthSession::invalidate(const std::string& rejected) {
  std::lock_guard lk(state_mu_);
  if (!rejected.empty() && token_ == rejected) token_.clear();
}

std::uint64_t OAuthSession::fetches() const {
  std::lock_guard lk(state_mu_);
  return fetches_;
}

std::expected<std::string, std::string> OAuthSession::token(const SendFn& send) {
  std::uint64_t seen = 0;
  {
    std::lock_guard lk(state_mu_);
    if (!token_.empty()) return token_;
    seen = fetches_;
  }
  std::lock_guard fetching(fetch_mu_);
  {
    std::lock_guard lk(state_mu_);
    if (!token_.empty()) return token_;  // another thread fetched while we waited
    if (fetches_ != seen && last_fetch_failed_) return std::unexpected(last_error_);
  }
  auto answer = parse_token_answer(send(token_request(options_)));
  std::lock_guard lk(state_mu_);
  ++fetches_;
  last_fetch_failed_ = !answer.has_value();
  if (!answer) {
    last_error_ = scrub(std::move(answer.error()));
    return std::unexpected(last_error_);
  }
  last_error_.clear();
  token_ = std::move(answer->access_token);
  return token_;
}

std::string OAuthSession::scrub(std::string text) const {
  for (const std::string* secret : {&options_.client_secret, &options_.refresh_token}) {
    if (secret->empty()) continue;
    for (auto at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at + 3))
      text.replace(at, secret->size(), "***");
  }
  return text;
}

}  // namespace cti::adapters
