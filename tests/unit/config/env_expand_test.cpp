#include "connector/config/env_expand.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace cti::config {
namespace {

using testing::fake_env;

const EnvLookup kEnv = fake_env({{"A", "alpha"}, {"EMPTY", ""}, {"WITH_DOLLAR", "x${A}y"}});

TEST(ExpandEnv, TextWithoutVariablesIsUnchanged) {
  EXPECT_EQ(expand_env("plain text", kEnv).value(), "plain text");
  EXPECT_EQ(expand_env("", kEnv).value(), "");
  EXPECT_EQ(expand_env("cost $5 and $$ and $A", kEnv).value(), "cost $5 and $$ and $A");
}

TEST(ExpandEnv, ReplacesVariablesAnywhereInTheString) {
  EXPECT_EQ(expand_env("${A}", kEnv).value(), "alpha");
  EXPECT_EQ(expand_env("pre-${A}-post", kEnv).value(), "pre-alpha-post");
  EXPECT_EQ(expand_env("${A}${A}", kEnv).value(), "alphaalpha");
  EXPECT_EQ(expand_env("[${EMPTY}]", kEnv).value(), "[]");
}

TEST(ExpandEnv, DoubleDollarEscapesALiteralPlaceholder) {
  EXPECT_EQ(expand_env("$${A}", kEnv).value(), "${A}");
  EXPECT_EQ(expand_env("a$${NOT_SET}b", kEnv).value(), "a${NOT_SET}b");
  // Scanned left to right: the first "$" is plain, then "$${" is the escape.
  EXPECT_EQ(expand_env("$$${A}", kEnv).value(), "$${A}");
}

TEST(ExpandEnv, SubstitutedValuesAreNotExpandedAgain) {
  EXPECT_EQ(expand_env("${WITH_DOLLAR}", kEnv).value(), "x${A}y");
}

TEST(ExpandEnv, MissingVariableNamesTheVariable) {
  auto r = expand_env("x${NOPE}y", kEnv);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "environment variable NOPE is not set");
}

TEST(ExpandEnv, MalformedPlaceholdersAreErrors) {
  EXPECT_FALSE(expand_env("${A", kEnv));
  EXPECT_FALSE(expand_env("${}", kEnv));
  EXPECT_FALSE(expand_env("${1A}", kEnv));
  EXPECT_FALSE(expand_env("${A B}", kEnv));
}

}  // namespace
}  // namespace cti::config
