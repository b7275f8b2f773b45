#pragma once
// OAuth 2.0 access tokens for CRMs whose tokens expire (Salesforce: the
// session timeout, 2 h by default; Zoho: 1 h). The pure half: the token
// request to send and the reading of its answer. No sockets, no clocks: the
// runner (webhooks/crm_job.cpp) sends what token_request() builds through the
// same sender as every CRM request, and OAuthSession (oauth_session.h) keeps
// the current token.
//
// Grants (RFC 6749): `refresh_token` (§6) when a refresh token is configured
// (Zoho's only server-side flow; Salesforce's web-server flow), else
// `client_credentials` (§4.4; Salesforce's Client Credentials flow, where
// the connected app runs as a configured user).
#include <expected>
#include <string>

#include "connector/core/http_request.h"

namespace cti::adapters {

struct OAuthOptions {
  std::string token_url;      // e.g. "https://acme.my.salesforce.com/services/oauth2/token"
  std::string client_id;      // the connected app's consumer key / Zoho client id
  std::string client_secret;  // never logged, never in an error text
  std::string refresh_token;  // "" = client_credentials grant; never logged
  // The Authorization scheme the CRM documents: "Bearer" (Salesforce) or
  // "Zoho-oauthtoken" (Zoho).
  std::string scheme = "Bearer";
};

struct AccessToken {
  std::string access_token;  // never logged
  long long expires_in = 0;  // seconds, 0 = the server did not say (Salesforce)
};

// POST token_url with an application/x-www-form-urlencoded body (every value
// percent-encoded): grant_type, client_id, client_secret and, for the
// refresh grant, refresh_token. The credentials go in the body, never in the
// URL (URLs end up in logs; Zoho's docs show query parameters but its
// endpoint takes the form body like every OAuth server).
core::HttpRequest token_request(const OAuthOptions& options);

// The access token from the token endpoint's answer, or why there is none:
//  - not 2xx: "HTTP 400: invalid_grant (expired access/refresh token)" from
//    the OAuth `error`/`error_description` (RFC 6749 §5.2), or the status alone;
//  - 2xx with an `error` member: Zoho answers an invalid or revoked refresh
//    token with 200 {"error": "invalid_code"};
//  - 2xx without a string `access_token`.
//  - status 0 (no answer): the sender's network error text.
// The text never holds the answer's raw body (a 2xx body carries a token).
std::expected<AccessToken, std::string> parse_token_answer(const core::HttpResponse& response);

}  // namespace cti::adapters
