#pragma once
// The current OAuth access token of one CRM adapter, shared by every thread
// that sends for it (delivery workers, screen-pop lookups). This is an
// adapter's only mutable state: the adapter itself stays a pure translator
// and only hands this object to the runner (CrmAdapter::oauth()).
//
// The runner asks token() before each request; a token the CRM rejects is
// invalidate()d and token() fetches the next. Fetching happens under a
// mutex, so N threads whose token was rejected at once cause ONE token
// request: the others wait and get its token (or its error). That matters
// beyond politeness: Zoho blocks a refresh token that makes more than ten
// access tokens in ten minutes.
//
// No clock: a token is replaced when the CRM rejects it, not when
// `expires_in` says (Salesforce does not say; a session can also end
// early when revoked). That costs one rejected request per expiry.
#include <cstdint>
#include <expected>
#include <functional>
#include <mutex>
#include <string>

#include "adapters/common/oauth.h"

namespace cti::adapters {

class OAuthSession {
 public:
  // Sends one request and returns its answer (status 0 = no answer); the
  // runner's sender, so token requests get the same TLS, timeout and headers.
  using SendFn = std::function<core::HttpResponse(const core::HttpRequest&)>;

  // `first_token`: an access token to start with (the block's `token`), ""
  // to fetch one on first use.
  explicit OAuthSession(OAuthOptions options, std::string first_token = {});

  const OAuthOptions& options() const { return options_; }
  // "Bearer", "Zoho-oauthtoken".
  const std::string& scheme() const { return options_.scheme; }

  // The current access token; "" when there is none yet (or it was rejected).
  std::string current() const;
  // Forgets `rejected` if it is still the current token. A thread that got
  // its 401 late (another already refreshed) does not throw the new one away.
  void invalidate(const std::string& rejected);

  // The current token, fetching one through `send` when there is none.
  // Errors name the OAuth error ("HTTP 400: invalid_grant (...)"), never a
  // credential. A thread that waited while another thread's fetch failed gets
  // that failure instead of sending its own request.
  std::expected<std::string, std::string> token(const SendFn& send);

  // How many token requests this session has sent (tests, metrics).
  std::uint64_t fetches() const;

 private:
  // Replaces any credential that a server might have echoed with "***".
  std::string scrub(std::string text) const;

  const OAuthOptions options_;
  mutable std::mutex state_mu_;  // guards the members below
  std::string token_;
  std::uint64_t fetches_ = 0;
  bool last_fetch_failed_ = false;
  std::string last_error_;
  std::mutex fetch_mu_;  // held while a token request is in flight
};

}  // namespace cti::adapters
