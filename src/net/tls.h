// net/tls.h: server TLS contexts for `celgate serve`, with certificate reload.
//
// A TlsContextStore loads a certificate chain + private key (and optionally a client CA) into
// a Boost.Asio ssl::context configured for TLS 1.2 and 1.3 with modern ciphers and ALPN
// "http/1.1". Current() hands out the context for NEW handshakes; ReloadIfChanged() re-reads
// the files when their mtime, size or inode changed and swaps the context atomically.
// Connections keep the context they were accepted with (they hold a shared_ptr), so existing
// connections are never disturbed by a reload. A reload that fails (unreadable file, key not
// matching the certificate) keeps the old context and returns the error.
//
// Thread-safety: Current() may be called from any thread concurrently with ReloadIfChanged();
// ReloadIfChanged() itself must be called from one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace boost::asio::ssl {
class context;
}

namespace celgate::net {

// Drains OpenSSL's error queue of this thread into one "; "-separated line.
std::string OpenSslErrors();

struct TlsOptions {
  // PEM certificate chain (leaf first) and PEM private key. Required.
  std::string cert_file;
  std::string key_file;
  // PEM bundle of CAs whose client certificates are accepted. Empty = no client verification.
  std::string client_ca_file;
  // With client_ca_file: reject handshakes without a client certificate (true) or only verify
  // the certificate when one is sent (false).
  bool require_client_cert = true;
  // Lowest protocol version: 12 = TLS 1.2 (kube-apiserver's Go client speaks 1.2 and 1.3), 13.
  int min_version = 12;
};

class TlsContextStore {
 public:
  // Loads the files once. kInvalidArgument / kNotFound when they cannot be used.
  static StatusOr<std::unique_ptr<TlsContextStore>> Create(const TlsOptions& options);
  ~TlsContextStore();
  TlsContextStore(const TlsContextStore&) = delete;
  TlsContextStore& operator=(const TlsContextStore&) = delete;

  // The context for new handshakes. Never null.
  std::shared_ptr<boost::asio::ssl::context> Current() const;

  // Re-reads the files when any of them changed on disk. Returns true when the context was
  // replaced, false when nothing changed, an error (old context kept) when the new files do
  // not load.
  StatusOr<bool> ReloadIfChanged();

  // notAfter of the current leaf certificate.
  std::chrono::system_clock::time_point not_after() const {
    return std::chrono::system_clock::time_point(
        std::chrono::seconds(not_after_.load(std::memory_order_relaxed)));
  }
  // Number of successful loads (1 after Create).
  uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }
  uint64_t reload_errors() const { return reload_errors_.load(std::memory_order_relaxed); }

 private:
  explicit TlsContextStore(const TlsOptions& options);
  // Builds a new context from the files; returns it with the leaf's notAfter.
  StatusOr<std::shared_ptr<boost::asio::ssl::context>> Build(int64_t* not_after) const;
  std::string FileStamp() const;

  TlsOptions options_;
  std::atomic<std::shared_ptr<boost::asio::ssl::context>> current_;
  std::string stamp_;  // mtime/size/inode of the files at the last load attempt
  std::atomic<int64_t> not_after_{0};
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> reload_errors_{0};
};

}  // namespace celgate::net
