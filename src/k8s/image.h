// k8s/image.h: container image references as the Kubernetes CEL image library parses them.
//
// Upstream (library/image.go) uses go-containerregistry's name.ParseReference (weak
// validation), NOT docker/distribution: a reference is "[registry/]repository[:tag]" or
// "[registry/]repository[:tag]@sha256:<64 hex>". The first path component is the registry
// only if it contains '.' or ':'; otherwise the registry is "index.docker.io" ("docker.io" is
// rewritten to it) and a single-component repository gets the "library/" prefix. A missing tag
// defaults to "latest". For a digest reference, tag() is "" and identifier() is the digest.
//
// Where this sits: k8s/ (plain C++, no CEL). Value type; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace celgate::k8s {

struct ImageReference {
  std::string registry;    // "index.docker.io" when not written
  std::string repository;  // "library/ubuntu" for "ubuntu" on Docker Hub
  std::string tag;         // "" for digest references
  std::string digest;      // "sha256:..." or ""
  std::string identifier;  // digest if present, else tag

  // Error (kInvalidArgument): "could not parse reference: <text>" (go-containerregistry).
  static StatusOr<ImageReference> Parse(std::string_view text);

  bool operator==(const ImageReference& o) const {
    return registry == o.registry && repository == o.repository && tag == o.tag &&
           digest == o.digest;
  }
};

}  // namespace celgate::k8s
