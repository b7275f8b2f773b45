// The panel's token travels as a WebSocket subprotocol ("bearer.<base64url>").
#include "connector/api/ws_auth.h"

#include <gtest/gtest.h>

namespace cti::api {
namespace {

TEST(Base64Url, DecodesRfc4648VectorsWithAndWithoutPadding) {
  EXPECT_EQ(base64url_decode(""), "");
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zg=="), "f");
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Zm9v"), "foo");
  EXPECT_EQ(base64url_decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));  // the url-safe letters
}

TEST(Base64Url, RejectsOtherAlphabetsAndImpossibleLengths) {
  EXPECT_EQ(base64url_decode("+/8"), std::nullopt);  // standard base64, not url
  EXPECT_EQ(base64url_decode("Zm9v YmFy"), std::nullopt);
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
}

TEST(WsProtocols, FindsOurProtocolAndTheToken) {
  const WsOffer o = parse_ws_protocols("cti.v1, bearer.YW5hLXRva2Vu");
  EXPECT_TRUE(o.cti);
  EXPECT_EQ(o.token, "ana-token");
  const WsOffer spaced = parse_ws_protocols(" bearer.YW5hLXRva2Vu ,cti.v1 ");
  EXPECT_TRUE(spaced.cti);
  EXPECT_EQ(spaced.token, "ana-token");
}

TEST(WsProtocols, NoTokenOrABrokenOneGivesNone) {
  EXPECT_FALSE(parse_ws_protocols("cti.v1").token);
  EXPECT_FALSE(parse_ws_protocols("cti.v1, bearer.***").token);
  EXPECT_FALSE(parse_ws_protocols("").cti);
  EXPECT_FALSE(parse_ws_protocols("cti.v2, chat").cti);
}

}  // namespace
}  // namespace cti::api
