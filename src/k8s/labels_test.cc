// Tests for k8s/labels.h: API-form validation and matching, null vs empty, and the string
// syntax parser with upstream's error texts.
#include "k8s/labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace celgate::k8s {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Labels = std::map<std::string, std::string>;

LabelSelector Sel(std::string_view s) {
  StatusOr<LabelSelector> r = ParseSelectorString(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : LabelSelector::Nothing();
}

TEST(LabelSelector, NullMatchesNothingAndEmptyMatchesEverything) {
  StatusOr<LabelSelector> null_sel = LabelSelector::FromApi(nullptr);
  ASSERT_TRUE(null_sel.ok());
  EXPECT_TRUE(null_sel->is_nothing());
  EXPECT_FALSE(null_sel->Matches(Labels{}));
  EXPECT_FALSE(null_sel->Matches(Labels{{"a", "b"}}));
  LabelSelectorSpec empty;
  StatusOr<LabelSelector> all = LabelSelector::FromApi(&empty);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->is_everything());
  EXPECT_TRUE(all->Matches(Labels{}));
  EXPECT_TRUE(all->Matches(Labels{{"a", "b"}}));
  EXPECT_TRUE(Sel("").is_everything());
}

TEST(LabelSelector, ApiOperatorsMatchLikeKubernetes) {
  LabelSelectorSpec spec;
  spec.match_labels = {{"app", "web"}};
  spec.match_expressions = {
      {"tier", "In", {"frontend", "edge"}},
      {"env", "NotIn", {"prod"}},
      {"team", "Exists", {}},
      {"legacy", "DoesNotExist", {}},
  };
  StatusOr<LabelSelector> s = LabelSelector::FromApi(&spec);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Labels base = {{"app", "web"}, {"tier", "edge"}, {"team", "a"}};
  EXPECT_TRUE(s->Matches(base));
  Labels l = base;
  l["env"] = "dev";
  EXPECT_TRUE(s->Matches(l));  // NotIn with another value
  l["env"] = "prod";
  EXPECT_FALSE(s->Matches(l));
  l = base;
  l["legacy"] = "";
  EXPECT_FALSE(s->Matches(l));  // DoesNotExist fails on presence, even empty
  l = base;
  l.erase("team");
  EXPECT_FALSE(s->Matches(l));
  l = base;
  l["tier"] = "backend";
  EXPECT_FALSE(s->Matches(l));
  l = base;
  l["app"] = "db";
  EXPECT_FALSE(s->Matches(l));
  EXPECT_EQ(s->ToString(), "app=web,env notin (prod),!legacy,team,tier in (edge,frontend)");
}

TEST(LabelSelector, ValidationNamesTheFieldPath) {
  LabelSelectorSpec spec;
  spec.match_labels = {{"bad key", "v"}, {"k", "-bad"}};
  spec.match_expressions = {
      {"a", "In", {}},
      {"b", "Exists", {"x"}},
      {"c", "Foo", {}},
  };
  EXPECT_THAT(
      ValidateLabelSelector(spec, "spec.objectSelector"),
      ElementsAre(
          "spec.objectSelector.matchLabels: Invalid value: \"bad key\": name part must consist "
          "of alphanumeric characters, '-', '_' or '.', and must start and end with an "
          "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
          "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
          "spec.objectSelector.matchLabels: Invalid value: \"-bad\": a valid label must be an "
          "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
          "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
          "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
          "spec.objectSelector.matchExpressions[0].values: Required value: must be specified "
          "when `operator` is 'In' or 'NotIn'",
          "spec.objectSelector.matchExpressions[1].values: Forbidden: may not be specified when "
          "`operator` is 'Exists' or 'DoesNotExist'",
          "spec.objectSelector.matchExpressions[2].operator: Invalid value: \"Foo\": not a "
          "valid selector operator"));
  LabelSelectorSpec one;
  one.match_expressions = {{"a", "In", {}}};
  StatusOr<LabelSelector> s = LabelSelector::FromApi(&one);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "matchExpressions[0].values: Required value: must be specified when `operator` is "
            "'In' or 'NotIn'");
  LabelSelectorSpec good;
  good.match_labels = {{"app.kubernetes.io/name", "x"}};
  EXPECT_THAT(ValidateLabelSelector(good, ""), IsEmpty());
}

TEST(LabelSelector, ParsesEveryStringOperator) {
  LabelSelector s = Sel("a=b,c!=d,e in (x,y),!f,g,h notin (z),i==j");
  EXPECT_EQ(s.ToString(), "a=b,c!=d,e in (x,y),!f,g,h notin (z),i==j");
  Labels l = {{"a", "b"}, {"e", "y"}, {"g", ""}, {"i", "j"}};
  EXPECT_TRUE(s.Matches(l));
  l["c"] = "d";
  EXPECT_FALSE(s.Matches(l));
  l.erase("c");
  l["f"] = "1";
  EXPECT_FALSE(s.Matches(l));
  l.erase("f");
  l["h"] = "z";
  EXPECT_FALSE(s.Matches(l));

  LabelSelector gt = Sel("n>5,m<10");
  EXPECT_TRUE(gt.Matches(Labels{{"n", "6"}, {"m", "9"}}));
  EXPECT_FALSE(gt.Matches(Labels{{"n", "5"}, {"m", "9"}}));
  EXPECT_FALSE(gt.Matches(Labels{{"n", "x"}, {"m", "9"}}));
  EXPECT_FALSE(gt.Matches(Labels{{"m", "9"}}));

  EXPECT_EQ(Sel("  a = b , in in (in,notin) ").ToString(), "a=b,in in (in,notin)");
  EXPECT_EQ(Sel("a=").ToString(), "a=");
  EXPECT_TRUE(Sel("a=").Matches(Labels{{"a", ""}}));
  EXPECT_EQ(Sel("a in ()").ToString(), "a in ()");
  EXPECT_EQ(Sel("a in (,b)").ToString(), "a in (,b)");
  EXPECT_EQ(Sel("x in (b,a,b)").requirements()[0].values, (std::vector<std::string>{"a", "b"}));
}

TEST(LabelSelector, StringSyntaxErrorsUseUpstreamTexts) {
  struct Case {
    const char* in;
    const char* msg;
  } cases[] = {
      {"a=b,", "found '', expected: identifier after ','"},
      {"a=b c", "found 'c', expected: ',' or 'end of string'"},
      {")", "found ')', expected: !, identifier, or 'end of string'"},
      {"a in b", "unable to parse requirement: found 'b' expected: '('"},
      {"a in (b", "unable to parse requirement: found '', expected: ',' or ')'"},
      {"a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"},
      {"!", "unable to parse requirement: found '', expected: identifier"},
      {"a=(", "unable to parse requirement: found '(', expected: identifier"},
      {"a>b",
       "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' "
       "operators, the value must be an integer"},
      {"a=b c=d", "found 'c', expected: ',' or 'end of string'"},
      {"a=!b", "unable to parse requirement: found '!', expected: identifier"},
      {"a=-b",
       "unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid label "
       "must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
       "and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
       "'my_value',  or '12345', regex used for validation is "
       "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
      {"-a=b",
       "unable to parse requirement: <nil>: Invalid value: \"-a\": name part must "
       "consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
       "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
       "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
      {"a=<>b", "unable to parse requirement: found '<', expected: identifier"},
  };
  for (const Case& c : cases) {
    StatusOr<LabelSelector> s = ParseSelectorString(c.in);
    ASSERT_FALSE(s.ok()) << c.in;
    EXPECT_EQ(s.status().message(), c.msg) << c.in;
  }
}

}  // namespace
}  // namespace celgate::k8s
