// k8s/image.cc: a port of go-containerregistry's weak reference parsing (NewTag, NewDigest,
// NewRepository, NewRegistry). Entry point: image.h.
#include "k8s/image.h"

#include <optional>

namespace celgate::k8s {
namespace {

constexpr char kDefaultRegistry[] = "index.docker.io";

bool OnlyChars(std::string_view s, std::string_view allowed) {
  return s.find_first_not_of(allowed) == std::string_view::npos;
}

// checkRegistry: url.Parse("//" + name).Host == name. Approximated by the authority grammar:
// reg-name characters, or a bracketed literal, optionally followed by ":<digits>".
bool ValidRegistry(std::string_view name) {
  if (name.empty()) {
    return true;
  }
  std::string_view host = name;
  if (host[0] == '[') {
    size_t close = host.rfind(']');
    if (close == std::string_view::npos) {
      return false;
    }
    std::string_view port = host.substr(close + 1);
    if (!port.empty() && (port[0] != ':' || !OnlyChars(port.substr(1), "0123456789"))) {
      return false;
    }
    return OnlyChars(host.substr(1, close - 1), "0123456789abcdefABCDEF:.");
  }
  size_t colon = host.rfind(':');
  if (colon != std::string_view::npos) {
    if (!OnlyChars(host.substr(colon + 1), "0123456789")) {
      return false;
    }
    host = host.substr(0, colon);
  }
  return OnlyChars(host,
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=");
}

struct Repo {
  std::string registry, repository;
};

std::optional<Repo> NewRepository(std::string_view name) {
  if (name.empty()) {
    return std::nullopt;
  }
  std::string_view registry;
  std::string_view repo = name;
  size_t slash = name.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = name.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos) {
      registry = first;
      repo = name.substr(slash + 1);
    }
  }
  if (repo.size() < 2 || repo.size() > 255 ||
      !OnlyChars(repo, "abcdefghijklmnopqrstuvwxyz0123456789_-./")) {
    return std::nullopt;
  }
  if (!ValidRegistry(registry)) {
    return std::nullopt;
  }
  Repo r;
  r.registry =
      registry.empty() || registry == "docker.io" ? kDefaultRegistry : std::string(registry);
  r.repository = std::string(repo);
  if (repo.find('/') == std::string_view::npos && r.registry == kDefaultRegistry) {
    r.repository = "library/" + r.repository;
  }
  return r;
}

std::optional<ImageReference> NewTag(std::string_view name) {
  std::string_view base = name;
  std::string_view tag;
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos &&
      name.substr(colon + 1).find('/') == std::string_view::npos) {
    base = name.substr(0, colon);
    tag = name.substr(colon + 1);
    if (tag.empty()) {
      return std::nullopt;
    }
  }
  if (!tag.empty() &&
      (tag.size() > 128 ||
       !OnlyChars(tag, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."))) {
    return std::nullopt;
  }
  std::optional<Repo> repo = NewRepository(base);
  if (!repo) {
    return std::nullopt;
  }
  ImageReference ref;
  ref.registry = repo->registry;
  ref.repository = repo->repository;
  ref.tag = tag.empty() ? "latest" : std::string(tag);
  ref.identifier = ref.tag;
  return ref;
}

std::optional<ImageReference> NewDigest(std::string_view name) {
  size_t at = name.find('@');
  if (at == std::string_view::npos || name.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view base = name.substr(0, at);
  std::string_view dig = name.substr(at + 1);
  constexpr std::string_view kPrefix = "sha256:";
  if (dig.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  std::string_view hex = dig.substr(kPrefix.size());
  if (hex.size() != 64 || !OnlyChars(hex, "0123456789abcdef")) {
    return std::nullopt;
  }
  std::optional<Repo> repo;
  if (std::optional<ImageReference> tagged = NewTag(base)) {
    repo = Repo{tagged->registry, tagged->repository};
  } else {
    repo = NewRepository(base);
  }
  if (!repo) {
    return std::nullopt;
  }
  ImageReference ref;
  ref.registry = repo->registry;
  ref.repository = repo->repository;
  ref.digest = std::string(dig);
  ref.identifier = ref.digest;
  return ref;
}

}  // namespace

StatusOr<ImageReference> ImageReference::Parse(std::string_view text) {
  if (std::optional<ImageReference> t = NewTag(text)) {
    return *t;
  }
  if (std::optional<ImageReference> d = NewDigest(text)) {
    return *d;
  }
  return InvalidArgumentError("could not parse reference: " + std::string(text));
}

}  // namespace celgate::k8s
