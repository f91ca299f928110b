// Tests for policy::ObjectStore's Namespace lookups (loaded, synthesized, per-thread cache).
#include "policy/object_store.h"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

namespace celgate::policy {
namespace {

std::vector<LoadedObject> Load(std::string_view yaml) {
  Manifests m;
  LoadText(yaml, "objects.yaml", LoadOptions{}, &m);
  EXPECT_FALSE(m.has_errors());
  return std::move(m.objects);
}

std::string_view Label(const k8s::ObjectRef& ns, std::string_view key) {
  return ns.value.Find("metadata").Find("labels").Find(key).as_string();
}

TEST(ObjectStoreNamespaces, LoadedNamespaceWinsOverSynthesis) {
  ObjectStore store(Load(R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {team: payments}
)"));
  StatusOr<k8s::ObjectRef> ns = store.GetNamespace("shop");
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(Label(*ns, "team"), "payments");
  StatusOr<k8s::ObjectRef> other = store.GetNamespace("other");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(Label(*other, "kubernetes.io/metadata.name"), "other");
  EXPECT_EQ(Label(*other, "team"), "");
}

TEST(ObjectStoreNamespaces, MissingNamespaceIsNotFoundWithoutSynthesis) {
  ObjectStore store({}, ObjectStoreOptions{.synthesize_namespaces = false});
  StatusOr<k8s::ObjectRef> ns = store.GetNamespace("shop");
  ASSERT_FALSE(ns.ok());
  EXPECT_EQ(ns.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ns.status().message(), "namespace \"shop\" not found");
}

TEST(ObjectStoreNamespaces, SynthesizedNamespaceIsBuiltOncePerThreadAndStore) {
  ObjectStore store({});
  StatusOr<k8s::ObjectRef> a = store.GetNamespace("shop");
  StatusOr<k8s::ObjectRef> b = store.GetNamespace("shop");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->value.SameNodeAs(b->value));  // served from the cache
  EXPECT_EQ(a->value.Find("metadata").Find("name").as_string(), "shop");
  StatusOr<k8s::ObjectRef> c = store.GetNamespace("web");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->value.Find("metadata").Find("name").as_string(), "web");
  EXPECT_EQ(Label(*c, "kubernetes.io/metadata.name"), "web");

  // Another thread builds its own copy with the same content.
  std::optional<StatusOr<k8s::ObjectRef>> d;
  std::thread([&] { d.emplace(store.GetNamespace("shop")); }).join();
  ASSERT_TRUE(d->ok());
  EXPECT_FALSE((*d)->value.SameNodeAs(a->value));
  EXPECT_EQ(Label(**d, "kubernetes.io/metadata.name"), "shop");
}

TEST(ObjectStoreNamespaces, ANewStoreDoesNotSeeTheCacheOfAnEarlierOne) {
  // The first store synthesizes "shop" (cached on this thread); a store built later with a
  // loaded "shop" returns its own object, and one without it synthesizes anew.
  {
    ObjectStore first({});
    ASSERT_TRUE(first.GetNamespace("shop").ok());
  }
  ObjectStore loaded(Load("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
                          "  labels: {tier: gold}\n"));
  StatusOr<k8s::ObjectRef> ns = loaded.GetNamespace("shop");
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(Label(*ns, "tier"), "gold");
  ObjectStore second({});
  StatusOr<k8s::ObjectRef> again = second.GetNamespace("shop");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Label(*again, "tier"), "");
  EXPECT_FALSE(again->value.SameNodeAs(ns->value));
}

}  // namespace
}  // namespace celgate::policy
