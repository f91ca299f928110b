// net/tls.cc: OpenSSL server contexts (net/tls.h). The only file that configures SSL_CTX
// options for serving; certificate generation lives in certs.cc.
#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>
#include <cstring>
#include <ctime>

namespace celgate::net {
namespace {

namespace ssl = boost::asio::ssl;

// ALPN: we speak HTTP/1.1 only; select it when offered, otherwise carry on without ALPN
// (clients that offer nothing, or only h2, then fall back to HTTP/1.1 or fail on their side).
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

TlsContextStore::TlsContextStore(const TlsOptions& options) : options_(options) {}
TlsContextStore::~TlsContextStore() = default;

StatusOr<std::unique_ptr<TlsContextStore>> TlsContextStore::Create(const TlsOptions& options) {
  if (options.cert_file.empty() || options.key_file.empty()) {
    return InvalidArgumentError("TLS needs a certificate file and a key file");
  }
  std::unique_ptr<TlsContextStore> store(new TlsContextStore(options));
  store->stamp_ = store->FileStamp();
  int64_t not_after = 0;
  StatusOr<std::shared_ptr<ssl::context>> ctx = store->Build(&not_after);
  if (!ctx.ok()) return ctx.status();
  store->current_.store(*ctx);
  store->not_after_.store(not_after);
  store->generation_.store(1);
  return store;
}

std::shared_ptr<ssl::context> TlsContextStore::Current() const { return current_.load(); }

std::string TlsContextStore::FileStamp() const {
  std::string stamp;
  for (const std::string* f : {&options_.cert_file, &options_.key_file, &options_.client_ca_file}) {
    if (f->empty()) continue;
    struct stat st {};
    if (::stat(f->c_str(), &st) != 0) {
      stamp += "missing;";
      continue;
    }
    stamp += std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "/" +
             std::to_string(st.st_size) + "/" + std::to_string(st.st_ino) + ";";
  }
  return stamp;
}

StatusOr<bool> TlsContextStore::ReloadIfChanged() {
  std::string stamp = FileStamp();
  if (stamp == stamp_) return false;
  stamp_ = stamp;  // a broken file is reported once, not every poll
  int64_t not_after = 0;
  StatusOr<std::shared_ptr<ssl::context>> ctx = Build(&not_after);
  if (!ctx.ok()) {
    reload_errors_.fetch_add(1, std::memory_order_relaxed);
    return ctx.status();
  }
  current_.store(*ctx);
  not_after_.store(not_after);
  generation_.fetch_add(1);
  return true;
}

StatusOr<std::shared_ptr<ssl::context>> TlsContextStore::Build(int64_t* not_after) const {
  ERR_clear_error();
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* c = ctx->native_handle();
  SSL_CTX_set_min_proto_version(c, options_.min_version >= 13 ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_ECDH_USE);
  // TLS 1.2: forward-secret AEAD suites only (Mozilla "intermediate"); TLS 1.3: OpenSSL's
  // defaults (AES-GCM, ChaCha20-Poly1305).
  if (SSL_CTX_set_cipher_list(c,
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1) {
    return InternalError("TLS cipher list: " + OpenSslErrors());
  }
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_SERVER);
  static const unsigned char kSessionContext[] = "celgate";
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_alpn_select_cb(c, &SelectAlpn, nullptr);
  if (SSL_CTX_use_certificate_chain_file(c, options_.cert_file.c_str()) != 1) {
    return InvalidArgumentError("cannot load TLS certificate " + options_.cert_file + ": " +
                                OpenSslErrors());
  }
  if (SSL_CTX_use_PrivateKey_file(c, options_.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return InvalidArgumentError("cannot load TLS key " + options_.key_file + ": " +
                                OpenSslErrors());
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return InvalidArgumentError("TLS key " + options_.key_file + " does not match certificate " +
                                options_.cert_file);
  }
  X509* leaf = SSL_CTX_get0_certificate(c);
  std::tm tm{};
  if (leaf == nullptr || ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm) != 1) {
    return InvalidArgumentError("TLS certificate " + options_.cert_file + " has no notAfter");
  }
  *not_after = timegm(&tm);
  if (!options_.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(c, options_.client_ca_file.c_str(), nullptr) != 1) {
      return InvalidArgumentError("cannot load client CA " + options_.client_ca_file + ": " +
                                  OpenSslErrors());
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.client_ca_file.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(c, names);
    int mode = SSL_VERIFY_PEER;
    if (options_.require_client_cert) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(c, mode, nullptr);
  }
  return ctx;
}

}  // namespace celgate::net
