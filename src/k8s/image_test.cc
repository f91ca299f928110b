// Tests for k8s/image.h: go-containerregistry reference parsing as the CEL image library uses.
#include "k8s/image.h"

#include <gtest/gtest.h>

namespace celgate::k8s {
namespace {

constexpr char kDigest[] =
    "sha256:6aefddb645ee6963afd681b1845c661d0ea4c3b20ab9db86d9e753b203d385f2";

TEST(ImageReference, ParsesCommonForms) {
  struct Case {
    std::string in;
    const char* registry;
    const char* repository;
    const char* tag;
    std::string digest;
  } cases[] = {
      {"ubuntu", "index.docker.io", "library/ubuntu", "latest", ""},
      {"kube-apiserver-arm64:testtag", "index.docker.io", "library/kube-apiserver-arm64", "testtag",
       ""},
      {"docker.io/library/nginx:1.25", "index.docker.io", "library/nginx", "1.25", ""},
      {"docker.io/nginx", "index.docker.io", "library/nginx", "latest", ""},
      {"registry.k8s.io/kube-apiserver-arm64", "registry.k8s.io", "kube-apiserver-arm64", "latest",
       ""},
      {"localhost:5000/team/app:v1", "localhost:5000", "team/app", "v1", ""},
      {"myorg/app", "index.docker.io", "myorg/app", "latest", ""},
      {std::string("registry.k8s.io/kube-apiserver-arm64@") + kDigest, "registry.k8s.io",
       "kube-apiserver-arm64", "", kDigest},
      {std::string("registry.k8s.io/kube-apiserver-arm64:latest@") + kDigest, "registry.k8s.io",
       "kube-apiserver-arm64", "", kDigest},
  };
  for (const Case& c : cases) {
    StatusOr<ImageReference> r = ImageReference::Parse(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.status().ToString();
    EXPECT_EQ(r->registry, c.registry) << c.in;
    EXPECT_EQ(r->repository, c.repository) << c.in;
    EXPECT_EQ(r->tag, c.tag) << c.in;
    EXPECT_EQ(r->digest, c.digest) << c.in;
    EXPECT_EQ(r->identifier, c.digest.empty() ? std::string(c.tag) : c.digest) << c.in;
  }
}

TEST(ImageReference, RejectsMalformedReferences) {
  for (const char* s :
       {"", "UPPER/case", "repo:", "a", "repo@sha256:abc", "repo:tag:bad/x", "repo@md5:0123"}) {
    StatusOr<ImageReference> r = ImageReference::Parse(s);
    ASSERT_FALSE(r.ok()) << s;
    EXPECT_EQ(r.status().message(), std::string("could not parse reference: ") + s);
  }
}

}  // namespace
}  // namespace celgate::k8s
