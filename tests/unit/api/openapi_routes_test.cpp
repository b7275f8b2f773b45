// The API reference (docs/openapi.yaml) lists exactly the routes the router
// serves, and every problem type the API can answer: a route added without
// its documentation, or documented but gone, fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "connector/api/problem.h"
#include "connector/api/router.h"

namespace cti::api {
namespace {

const std::string kOpenApi = std::string(CTI_FIXTURES) + "/../../docs/openapi.yaml";

// "METHOD /path" for every operation under `paths:` (two-space path keys,
// four-space method keys: the file's own layout).
std::set<std::string> documented_operations() {
  std::ifstream in(kOpenApi);
  EXPECT_TRUE(in) << kOpenApi;
  const std::regex path_key(R"(^  (/\S*):\s*$)");
  const std::regex method_key(R"(^    (get|put|post|delete|patch|head|options):\s*$)");
  std::set<std::string> out;
  std::string line, path;
  bool in_paths = false;
  std::smatch m;
  while (std::getline(in, line)) {
    if (line == "paths:")
      in_paths = true;
    else if (!line.empty() && line[0] != ' ' && line[0] != '#')
      in_paths = false;
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_key))
      path = m[1];
    else if (std::regex_match(line, m, method_key)) {
      std::string method = m[1];
      std::ranges::transform(method, method.begin(), ::toupper);
      out.insert(method + " " + path);
    }
  }
  return out;
}

TEST(OpenApi, DocumentsExactlyTheRoutesTheRouterServes) {
  const auto documented = documented_operations();
  ASSERT_FALSE(documented.empty());
  std::set<std::string> served;
  for (const auto& r : route_signatures()) served.insert(r);
  for (const auto& r : served)
    EXPECT_TRUE(documented.contains(r)) << r << " is not in openapi.yaml";
  for (const auto& d : documented)
    EXPECT_TRUE(served.contains(d)) << d << " is documented but not served";
}

TEST(OpenApi, ListsEveryProblemType) {
  std::ifstream in(kOpenApi);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  for (int p = static_cast<int>(Problem::BadRequest); p <= static_cast<int>(Problem::CrmError);
       ++p) {
    const std::string type = std::string(problem_type_base) + std::string(slug(Problem(p)));
    EXPECT_NE(text.find("- " + type + "\n"), std::string::npos)
        << type << " is not in openapi.yaml";
  }
}

}  // namespace
}  // namespace cti::api
