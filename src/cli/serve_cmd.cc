// cli/serve_cmd.cc: `celgate serve` (the HTTPS admission webhook) and `celgate certs` (a
// throwaway CA and serving certificate). Wires the concrete pieces together: policies from
// files (policy/loader.h) behind an admission::Handler snapshot, TLS contexts (net/tls.h),
// metrics and the Beast server (server/server.h).
//
// Reloads run on a background thread, never on the request path: every `--reload-interval`
// (and at once on SIGHUP) the policy files and the certificate files are checked; a changed
// policy set is loaded and compiled, and swapped in atomically only when it loads without
// errors (otherwise it is logged and counted, and the previous set stays).
#include <CLI/CLI.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "admission/handler.h"
#include "cli/commands.h"
#include "net/certs.h"
#include "net/tls.h"
#include "policy/loader.h"
#include "policy/object_store.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/server.h"

namespace celgate::cli {
namespace {

using server::LogError;
using server::LogInfo;
using server::LogWarn;

struct ServeArgs {
  std::vector<std::string> files;
  std::string tls_cert, tls_key, client_ca;
  int port = 8443;
  std::string address = "0.0.0.0";
  int threads = 0;
  std::string log_format = "auto";
  std::string log_level = "info";
  int metrics_port = 0;
  std::string grace_period = "25s";
  std::string shutdown_delay = "0s";
  std::string reload_interval = "2s";
  std::string idle_timeout = "120s";
  std::string header_timeout = "10s";
  std::string body_timeout = "30s";
  size_t max_body_bytes = 16 << 20;
  int max_connections = 10000;
  std::string port_file;
  std::string validate_path = "/validate";
};

// "25s", "500ms", "2m", "1m30s" or a bare number of seconds.
bool ParseDuration(std::string s, std::chrono::milliseconds* out) {
  if (s.empty()) return false;
  if (s.find_first_not_of("0123456789.") == std::string::npos) s += "s";
  double total_ms = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    if (j == i) return false;
    double v = std::stod(s.substr(i, j - i));
    size_t k = j;
    while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
    std::string unit = s.substr(j, k - j);
    if (unit == "ms") total_ms += v;
    else if (unit == "s") total_ms += v * 1e3;
    else if (unit == "m") total_ms += v * 60e3;
    else if (unit == "h") total_ms += v * 3600e3;
    else return false;
    i = k;
  }
  *out = std::chrono::milliseconds(static_cast<int64_t>(total_ms));
  return true;
}

// mtime/size of every file under the policy paths, to notice changes cheaply.
std::string PolicyStamp(const std::vector<std::string>& paths) {
  std::ostringstream out;
  namespace fs = std::filesystem;
  auto stamp = [&](const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      out << p.native() << ':' << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec << ':'
          << st.st_size << ':' << st.st_ino << ';';
    } else {
      out << p.native() << ":missing;";
    }
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(
               path, fs::directory_options::follow_directory_symlink, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) stamp(f);
    } else {
      stamp(path);
    }
  }
  return out.str();
}

// Loads the policies and cluster-state objects in `files` into a Handler. Fails when the
// files cannot be read or any policy/binding is invalid (issues are logged).
StatusOr<std::shared_ptr<const admission::Handler>> LoadHandler(
    const std::vector<std::string>& files) {
  policy::Manifests m;
  Status st = policy::LoadPaths(files, {}, &m);
  if (!st.ok()) return st;
  int errors = 0;
  for (const policy::LoadIssue& i : m.issues) {
    if (i.warning) {
      LogWarn("policy issue", {{"issue", i.ToString()}});
    } else {
      ++errors;
      LogError("policy error", {{"issue", i.ToString()}});
    }
  }
  if (errors > 0) {
    return InvalidArgumentError(std::to_string(errors) + " error(s) in the policy files");
  }
  std::shared_ptr<const policy::PolicySet> set = policy::BuildPolicySet(m);
  auto store = std::make_shared<policy::ObjectStore>(m.objects);
  std::shared_ptr<const admission::Handler> h =
      admission::NewHandler([set] { return set; }, store);
  LogInfo("policies loaded", {{"policies", m.policies.size()}, {"bindings", m.bindings.size()},
                              {"objects", m.objects.size()}});
  return h;
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t ToUnix(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

int RunServe(const ServeArgs& args) {
  server::LogLevel level;
  if (!server::ParseLogLevel(args.log_level, &level)) {
    std::cerr << "celgate serve: unknown --log-level " << args.log_level << "\n";
    return kExitUsage;
  }
  server::SetLogLevel(level);
  server::SetLogFormat(args.log_format == "json"   ? server::LogFormat::kJson
                       : args.log_format == "text" ? server::LogFormat::kText
                                                   : server::LogFormat::kAuto);
  server::ServerOptions so;
  so.address = args.address;
  so.port = args.port;
  so.metrics_port = args.metrics_port == 0 ? -1 : args.metrics_port;
  so.threads = args.threads;
  so.max_body_bytes = args.max_body_bytes;
  so.max_connections = args.max_connections;
  so.validate_path = args.validate_path;
  std::chrono::milliseconds reload_every{2000};
  if (!ParseDuration(args.grace_period, &so.grace_period) ||
      !ParseDuration(args.shutdown_delay, &so.shutdown_delay) ||
      !ParseDuration(args.reload_interval, &reload_every) ||
      !ParseDuration(args.idle_timeout, &so.idle_timeout) ||
      !ParseDuration(args.header_timeout, &so.header_timeout) ||
      !ParseDuration(args.body_timeout, &so.body_timeout)) {
    std::cerr << "celgate serve: bad duration (use e.g. 25s, 500ms, 2m)\n";
    return kExitUsage;
  }

  // Decided once: the server's workers and the metric shards must agree (AvailableCpus reads
  // the affinity mask and cgroup files, which could change between two calls).
  const int threads = std::max(1, so.threads > 0 ? so.threads : server::AvailableCpus());
  so.threads = threads;
  server::Metrics metrics(threads);

  StatusOr<std::shared_ptr<const admission::Handler>> first = LoadHandler(args.files);
  if (!first.ok()) {
    LogError("cannot load policies", {{"error", first.status().message()}});
    return kExitUsage;
  }
  std::atomic<std::shared_ptr<const admission::Handler>> current(*first);
  uint64_t generation = 1;
  metrics.PolicySetLoaded(generation, UnixNow());

  net::TlsOptions to;
  to.cert_file = args.tls_cert;
  to.key_file = args.tls_key;
  to.client_ca_file = args.client_ca;
  StatusOr<std::unique_ptr<net::TlsContextStore>> tls = net::TlsContextStore::Create(to);
  if (!tls.ok()) {
    LogError("cannot load TLS certificate", {{"error", tls.status().message()}});
    return kExitUsage;
  }
  metrics.CertificateLoaded(ToUnix((*tls)->not_after()), false);

  std::mutex mu;
  std::condition_variable cv;
  bool reload_now = false, stop = false;
  so.on_reload = [&] {
    std::lock_guard<std::mutex> l(mu);
    reload_now = true;
    cv.notify_one();
  };

  StatusOr<std::unique_ptr<server::Server>> srv = server::Server::Create(
      so, tls->get(), [&current] { return current.load(std::memory_order_acquire); }, &metrics);
  if (!srv.ok()) {
    LogError("cannot start server", {{"error", srv.status().message()}});
    return kExitUsage;
  }
  if (!args.port_file.empty()) {
    std::string tmp = args.port_file + ".tmp";
    {
      std::ofstream f(tmp);
      f << (*srv)->port() << "\n";
    }
    std::filesystem::rename(tmp, args.port_file);
  }

  std::thread reloader([&] {
    std::string stamp = PolicyStamp(args.files);
    std::unique_lock<std::mutex> l(mu);
    while (!stop) {
      cv.wait_for(l, reload_every, [&] { return stop || reload_now; });
      if (stop) break;
      bool forced = reload_now;
      reload_now = false;
      l.unlock();
      std::string now = PolicyStamp(args.files);
      if (forced || now != stamp) {
        stamp = now;
        StatusOr<std::shared_ptr<const admission::Handler>> h = LoadHandler(args.files);
        if (h.ok()) {
          current.store(*h, std::memory_order_release);
          ++generation;
          metrics.PolicySetLoaded(generation, UnixNow());
          LogInfo("policy set swapped", {{"generation", static_cast<long long>(generation)}});
        } else {
          metrics.PolicyLoadFailed();
          LogError("policy reload rejected; keeping the previous set",
                   {{"error", h.status().message()},
                    {"generation", static_cast<long long>(generation)}});
        }
      }
      StatusOr<bool> swapped = (*tls)->ReloadIfChanged();
      if (!swapped.ok()) {
        metrics.CertificateReloadFailed();
        LogError("certificate reload rejected; keeping the previous certificate",
                 {{"error", swapped.status().message()}});
      } else if (*swapped) {
        metrics.CertificateLoaded(ToUnix((*tls)->not_after()), true);
        LogInfo("certificate reloaded", {{"not_after", ToUnix((*tls)->not_after())}});
      }
      l.lock();
    }
  });

  LogInfo("serving", {{"address", args.address}, {"port", (*srv)->port()},
                      {"metrics_port", (*srv)->metrics_port()}, {"threads", threads},
                      {"path", args.validate_path}});
  (*srv)->Run();
  {
    std::lock_guard<std::mutex> l(mu);
    stop = true;
    cv.notify_one();
  }
  reloader.join();
  LogInfo("stopped");
  return kExitOk;
}

struct CertsArgs {
  std::string out;
  std::vector<std::string> dns{"localhost"};
  std::vector<std::string> ips{"127.0.0.1"};
  int days = 365;
  bool reuse_ca = false;
};

int RunCerts(const CertsArgs& args) {
  net::CertificateRequest req;
  req.dir = args.out;
  req.dns_names = args.dns;
  req.ips = args.ips;
  req.days = args.days;
  req.reuse_ca = args.reuse_ca;
  Status st = net::WriteCertificates(req);
  if (!st.ok()) {
    std::cerr << "celgate certs: " << st.message() << "\n";
    return kExitUsage;
  }
  std::cout << "wrote " << args.out << "/{ca.crt,ca.key,tls.crt,tls.key,client.crt,client.key}\n";
  return kExitOk;
}

}  // namespace

void RegisterServe(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the policies as an HTTPS admission webhook");
  cmd->add_option("-f,--filename", args->files,
                  "Policy, binding, param and Namespace manifests (files, directories)")
      ->required()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--tls-cert", args->tls_cert, "PEM certificate chain")->required();
  cmd->add_option("--tls-key", args->tls_key, "PEM private key")->required();
  cmd->add_option("--client-ca", args->client_ca,
                  "PEM CA bundle: require client certificates signed by it");
  cmd->add_option("--port", args->port, "HTTPS port (0 = any free port)")
      ->capture_default_str();
  cmd->add_option("--address", args->address, "Listen address")->capture_default_str();
  cmd->add_option("--threads", args->threads, "I/O threads (0 = CPUs this process may use: its affinity mask, capped by its cgroup CPU limit)")
      ->capture_default_str();
  cmd->add_option("--log-format", args->log_format, "json, text or auto (text on a terminal)")
      ->check(CLI::IsMember({"auto", "json", "text"}))
      ->capture_default_str();
  cmd->add_option("--log-level", args->log_level, "debug, info, warn or error")
      ->capture_default_str();
  cmd->add_option("--metrics-port", args->metrics_port,
                  "Plain-HTTP port for /metrics, /healthz, /readyz (0 = only on the HTTPS port)")
      ->capture_default_str();
  cmd->add_option("--grace-period", args->grace_period,
                  "On SIGTERM, time allowed for in-flight requests")
      ->capture_default_str();
  cmd->add_option("--shutdown-delay", args->shutdown_delay,
                  "On SIGTERM, keep serving (readyz 503) this long before draining")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", args->max_body_bytes, "Largest request body (413 beyond)")
      ->capture_default_str();
  cmd->add_option("--max-connections", args->max_connections, "Connection cap")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", args->idle_timeout, "Close keep-alive connections idle this long")
      ->capture_default_str();
  cmd->add_option("--header-timeout", args->header_timeout,
                  "Time from a request's first byte to the end of its headers (then 408)")
      ->capture_default_str();
  cmd->add_option("--body-timeout", args->body_timeout,
                  "Time from the end of a request's headers to the end of its body (then 408)")
      ->capture_default_str();
  cmd->add_option("--reload-interval", args->reload_interval,
                  "How often policy and certificate files are checked for changes")
      ->capture_default_str();
  cmd->add_option("--path", args->validate_path, "Path of the admission endpoint")
      ->capture_default_str();
  cmd->add_option("--port-file", args->port_file,
                  "Write the bound HTTPS port to this file once listening (for tests)");
  cmd->callback([args, exit_code] { *exit_code = RunServe(*args); });
}

void RegisterCerts(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CertsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "certs", "Write a throwaway CA and a serving certificate (for tests and demos)");
  cmd->add_option("--out", args->out, "Output directory")->required();
  cmd->add_option("--dns", args->dns, "DNS names (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--ip", args->ips, "IP addresses (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--days", args->days, "Validity in days")->capture_default_str();
  cmd->add_flag("--reuse-ca", args->reuse_ca,
                "Keep ca.crt/ca.key from --out and issue a new serving certificate");
  cmd->callback([args, exit_code] { *exit_code = RunCerts(*args); });
}

}  // namespace celgate::cli
