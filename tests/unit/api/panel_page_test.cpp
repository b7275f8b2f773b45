// GET / and /panel/{file}: the agent panel, served without a token, with a
// CSP that allows only the connector's own scripts, styles and connections,
// the configured frame-ancestors, and nothing taken from the request.
#include "connector/api/panel_page.h"

#include <gtest/gtest.h>

#include <string>

#include "connector/api/auth.h"
#include "connector/api/panel_assets.h"
#include "connector/api/router.h"
#include "unit/api/fake_backend.h"

namespace cti::api::test {
namespace {

namespace http = boost::beast::http;

Router make_router(std::vector<std::string> frame_ancestors) {
  return Router(std::make_shared<FakeBackend>(),
                TokenVerifier::from_hashes({hash_token("tok")}).value(), {},
                PanelOptions{std::move(frame_ancestors)});
}

Router::Result get(const Router& router, std::string target) {
  Request req{http::verb::get, target, 11};
  return router.handle(req);
}

std::string header(const Response& res, std::string_view name) {
  const auto it = res.find(boost::beast::string_view(name.data(), name.size()));
  return it == res.end() ? "" : std::string(it->value());
}

TEST(PanelPage, RootServesThePageWithoutAToken) {
  const Router router = make_router({"'none'"});
  const auto r = get(router, "/");
  ASSERT_EQ(r.response.result_int(), 200) << r.response.body();
  EXPECT_EQ(r.route, "/");
  EXPECT_EQ(header(r.response, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.response.body().find("<script type=\"module\" src=\"/panel/app.js\">"),
            std::string::npos);
  EXPECT_EQ(header(r.response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(r.response, "Referrer-Policy"), "no-referrer");
}

TEST(PanelPage, DefaultCspForbidsInlineScriptForeignConnectionsAndFraming) {
  const Router router = make_router(PanelOptions{}.frame_ancestors);
  const auto r = get(router, "/");
  const std::string csp = header(r.response, "Content-Security-Policy");
  EXPECT_EQ(csp,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
  EXPECT_EQ(header(r.response, "X-Frame-Options"), "DENY");
}

TEST(PanelPage, FrameAncestorsComeFromTheConfig) {
  const Router router = make_router({"'self'", "https://crm.example.com", "https://*.example.org"});
  for (const char* target : {"/", "/panel/app.js", "/panel/app.css"}) {
    const auto r = get(router, target);
    ASSERT_EQ(r.response.result_int(), 200) << target;
    const std::string csp = header(r.response, "Content-Security-Policy");
    EXPECT_TRUE(
        csp.ends_with("; frame-ancestors 'self' https://crm.example.com https://*.example.org"))
        << target << ": " << csp;
    // A legacy header would forbid what the CSP allows.
    EXPECT_EQ(header(r.response, "X-Frame-Options"), "") << target;
  }
}

TEST(PanelPage, ServesEveryEmbeddedFileWithItsType) {
  const Router router = make_router({"'none'"});
  ASSERT_FALSE(panel_assets().empty());
  for (const PanelAsset& a : panel_assets()) {
    const auto r = get(router, "/panel/" + std::string(a.name));
    ASSERT_EQ(r.response.result_int(), 200) << a.name;
    EXPECT_EQ(r.route, "/panel/{file}");
    EXPECT_EQ(r.response.body(), a.body) << a.name;
    EXPECT_EQ(header(r.response, "Content-Type"), a.content_type) << a.name;
    EXPECT_EQ(header(r.response, "X-Content-Type-Options"), "nosniff") << a.name;
    EXPECT_FALSE(header(r.response, "Content-Security-Policy").empty()) << a.name;
  }
  EXPECT_EQ(header(get(router, "/panel/app.js").response, "Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(header(get(router, "/panel/app.css").response, "Content-Type"),
            "text/css; charset=utf-8");
}

TEST(PanelPage, NothingFromTheRequestIsReflected) {
  const Router router = make_router({"'none'"});
  const auto plain = get(router, "/");
  const std::string probe = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
  Request req{http::verb::get, "/?q=" + probe + "&to=<b>x</b>", 11};
  req.set(http::field::referer, "https://evil.example/<script>");
  req.set(http::field::user_agent, "<img src=x onerror=alert(1)>");
  req.set(http::field::authorization, "Bearer <svg onload=alert(1)>");
  const auto r = router.handle(req);
  ASSERT_EQ(r.response.result_int(), 200);
  EXPECT_EQ(r.response.body(), plain.response.body());
  for (const auto& field : r.response) {
    const std::string value(field.value());
    EXPECT_EQ(value.find("script"), value.find("script-src")) << field.name_string();
    EXPECT_EQ(value.find("alert"), std::string::npos) << field.name_string();
    EXPECT_EQ(value.find("evil"), std::string::npos) << field.name_string();
  }
}

TEST(PanelPage, UnknownFilesAreNotFoundWithoutEcho) {
  const Router router = make_router({"'none'"});
  for (const char* target :
       {"/panel/nope.js", "/panel/..%2Fpanel_page.cpp", "/panel/", "/panel/embed.cmake"}) {
    const auto r = get(router, target);
    EXPECT_EQ(r.response.result_int(), 404) << target;
    EXPECT_EQ(r.response.body().find("<"), std::string::npos) << target;
  }
  // The panel is public, the API next to it is not.
  EXPECT_EQ(get(router, "/v1/calls").response.result_int(), 401);
}

TEST(PanelPage, OnlyGet) {
  const Router router = make_router({"'none'"});
  Request req{http::verb::post, "/", 11};
  const auto r = router.handle(req);
  EXPECT_EQ(r.response.result_int(), 405);
  EXPECT_EQ(r.response[http::field::allow], "GET");
}

TEST(PanelPage, PageHasNoInlineScriptOrStyle) {
  const PanelAsset* index = nullptr;
  for (const PanelAsset& a : panel_assets())
    if (a.name == panel_index) index = &a;
  ASSERT_NE(index, nullptr);
  const std::string_view html = index->body;
  // Every <script> has a src; no style attribute or <style> block, no handlers.
  for (std::size_t at = html.find("<script"); at != std::string_view::npos;
       at = html.find("<script", at + 1)) {
    const auto end = html.find('>', at);
    EXPECT_NE(html.substr(at, end - at).find(" src="), std::string_view::npos);
  }
  EXPECT_EQ(html.find("<style"), std::string_view::npos);
  EXPECT_EQ(html.find(" style="), std::string_view::npos);
  EXPECT_EQ(html.find(" onclick="), std::string_view::npos);
  EXPECT_EQ(html.find(" onload="), std::string_view::npos);
}

TEST(PanelPage, ScriptsNeverParseDataAsHtml) {
  // Caller ids and CRM fields are attacker-controlled: the panel sets text
  // with textContent only.
  for (const PanelAsset& a : panel_assets()) {
    if (!a.name.ends_with(".js")) continue;
    for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                             "eval(", "new Function"})
      EXPECT_EQ(a.body.find(sink), std::string_view::npos) << a.name << " uses " << sink;
  }
}

}  // namespace
}  // namespace cti::api::test
