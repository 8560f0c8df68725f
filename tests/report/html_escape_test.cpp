#include "report/html_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace nta {
namespace {

TEST(HtmlEscape, TextNeutralisesMarkup) {
  EXPECT_EQ(escape_html_text("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(escape_html_text("a & b"), "a &amp; b");
  EXPECT_EQ(escape_html_text("plain.example.com"), "plain.example.com");
}

TEST(HtmlEscape, AttributeCannotBeClosed) {
  const std::string e = escape_html_attribute("\"><img src=x onerror=alert(1)>");
  EXPECT_EQ(e, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(escape_html_attribute("it's `x`"), "it&#39;s &#96;x&#96;");
  EXPECT_EQ(e.find('"'), std::string::npos);
  EXPECT_EQ(e.find('<'), std::string::npos);
}

TEST(HtmlEscape, ControlsAndBadUtf8BecomeReplacement) {
  EXPECT_EQ(escape_html_text(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(escape_html_text("\x1b[31m"), "\xEF\xBF\xBD[31m");
  EXPECT_EQ(escape_html_text("\xC3\xA9"), "\xC3\xA9");            // é passes
  EXPECT_EQ(escape_html_text("\xC3"), "\xEF\xBF\xBD");            // truncated sequence
  EXPECT_EQ(escape_html_text("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '<'
  EXPECT_EQ(escape_html_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(JsonString, CannotCloseScriptElement) {
  const std::string j = json_string("</script><script>alert(1)</script>");
  EXPECT_EQ(j.find("</"), std::string::npos);
  EXPECT_EQ(j.find('<'), std::string::npos);
  EXPECT_EQ(j.find('>'), std::string::npos);
  EXPECT_EQ(j, "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"");
  EXPECT_EQ(json_string("<!--"), "\"\\u003c!--\"");
}

TEST(JsonString, EscapesQuotesLineSeparatorsAndControls) {
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("x\xE2\x80\xA8y\xE2\x80\xA9z"), "\"x\\u2028y\\u2029z\"");
  EXPECT_EQ(json_string("\n\t\x01&"), "\"\\n\\t\\u0001\\u0026\"");
  EXPECT_EQ(json_string("\xFF"), "\"\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace nta
