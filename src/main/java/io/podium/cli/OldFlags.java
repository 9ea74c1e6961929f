package io.podium.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * kube2iam's and kiam's flags, read as Podium reads them, so that a migration starts as a rename: a
 * flag whose meaning Podium has is rewritten to Podium's flag before parsing (one warning each
 * names it); a flag whose meaning Podium lacks is refused with the reason; a flag both tools and
 * Podium spell alike stays as it is. Each meaning was checked against the tools' own sources
 * (kube2iam {@code cmd/main.go}, kiam {@code cmd/kiam/*.go}, v3 and v4); docs/migration.md's tables
 * are generated from this catalogue ({@code MigrationDocTest}).
 */
final class OldFlags {

  /** The tool a flag comes from, and the Podium commands its users move to. */
  enum Origin {
    KUBE2IAM("kube2iam", Set.of("standalone", "dev", "explain")),
    KIAM_AGENT("kiam agent", Set.of("agent", "standalone", "dev")),
    KIAM_SERVER("kiam server", Set.of("server", "standalone", "dev", "explain")),
    KIAM("kiam agent and server", Set.of("agent", "server", "standalone", "dev"));

    private final String label;

    @SuppressWarnings("ImmutableEnumChecker") // Set.of: immutable, which the check cannot see
    private final Set<String> commands;

    Origin(String label, Set<String> commands) {
      this.label = label;
      this.commands = commands;
    }

    String label() {
      return label;
    }

    boolean reaches(String command) {
      return commands.contains(command);
    }

    /** Whether the flag is the tool's: kiam's agent-and-server flags belong to both. */
    boolean isTool(Origin tool) {
      return this == tool
          || (this == KIAM && (tool == KIAM_AGENT || tool == KIAM_SERVER))
          || (tool == KIAM && (this == KIAM_AGENT || this == KIAM_SERVER));
    }
  }

  /** What Podium makes of an old flag. */
  sealed interface Meaning {

    /**
     * Podium's flag of the same name and meaning: nothing to rewrite.
     *
     * @param note what differs (defaults, a detail), for the migration table
     */
    record Same(String note) implements Meaning {}

    /**
     * Rewritten to Podium's flag.
     *
     * @param podium Podium's flag, as the migration table shows it
     * @param rewrite the old flag's value (empty for a switch) to Podium's arguments; throws {@link
     *     Refusal} for a value Podium has no meaning for
     * @param note what differs, for the warning and the migration table
     */
    record Renamed(String podium, Function<String, List<String>> rewrite, String note)
        implements Meaning {}

    /**
     * A setting that Podium has fixed: the old flag is accepted with this value only, and dropped.
     *
     * @param value the only value Podium's behaviour matches ({@code null} for a switch)
     */
    record Fixed(String value, String note) implements Meaning {}

    /** Refused: Podium has no meaning for the flag; {@code reason} says why and what instead. */
    record Refused(String reason) implements Meaning {}
  }

  /** One old flag: its name, whether it takes a value, its tool and its meaning here. */
  record OldFlag(String name, boolean takesValue, Origin origin, Meaning meaning) {

    /** Whether {@code command} reads this flag (a rename only where Podium's flag exists). */
    boolean appliesTo(CommandSpec command) {
      if (!origin.reaches(command.name())) {
        return false;
      }
      return switch (meaning) {
        case Meaning.Renamed renamed -> command.findOption(firstFlag(renamed.podium())) != null;
        case Meaning.Same same -> false;
        case Meaning.Fixed fixed -> true;
        case Meaning.Refused refused -> true;
      };
    }
  }

  /** An old flag given with a value Podium cannot take, or one it has no meaning for. */
  static final class Refusal extends RuntimeException {
    Refusal(String message) {
      super(message);
    }
  }

  /** The arguments rewritten, and one warning per old flag. */
  record Rewritten(List<String> args, List<String> warnings) {
    boolean changed(String[] original) {
      return !warnings.isEmpty() || !args.equals(List.of(original));
    }
  }

  private static final String ROLE_ANNOTATION = "iam.amazonaws.com/role";
  private static final String EXTERNAL_ID_ANNOTATION = "iam.amazonaws.com/external-id";
  private static final String ALLOWED_ROLES_ANNOTATION = "iam.amazonaws.com/allowed-roles";
  private static final String API_SERVER_REASON =
      "give a --kubeconfig that names the API server and its credentials (in a pod, Podium uses"
          + " the in-cluster service account)";
  private static final String KEEPALIVE_REASON =
      "Podium's gRPC keepalive is fixed: a ping every 10s, 5s to answer, also between calls";
  private static final String STATSD_REASON =
      "Podium exports Prometheus metrics only, on --metrics-listen";
  private static final String LEVEL_REASON =
      "Podium logs at INFO, and its own loggers at DEBUG with --debug";

  /** Every old flag, kube2iam's first, in the order of the migration tables. */
  static final List<OldFlag> ALL =
      List.of(
          // kube2iam (cmd/main.go)
          renamed(
              "--base-role-arn",
              Origin.KUBE2IAM,
              "--role-base-arn",
              value -> List.of("--role-base-arn", value),
              ""),
          renamed(
              "--auto-discover-base-arn",
              false,
              Origin.KUBE2IAM,
              "--role-base-arn auto",
              value -> List.of("--role-base-arn", "auto"),
              "from the instance profile in the node's iam/info, read once at start"),
          refused(
              "--auto-discover-default-role",
              false,
              Origin.KUBE2IAM,
              "it gives pods that ask for no role the node's own role, which Podium exists to keep"
                  + " from them: name a role with --default-role"),
          same("--default-role", Origin.KUBE2IAM, "still subject to the namespace policy"),
          fixed(
              "--iam-role-key",
              Origin.KUBE2IAM,
              ROLE_ANNOTATION,
              "Podium reads a pod's role from " + ROLE_ANNOTATION + " only"),
          fixed(
              "--iam-external-id",
              Origin.KUBE2IAM,
              EXTERNAL_ID_ANNOTATION,
              "Podium reads a pod's external id from " + EXTERNAL_ID_ANNOTATION + " only"),
          renamed(
              "--iam-role-session-ttl",
              Origin.KUBE2IAM,
              "--session-duration (twice the TTL)",
              value -> List.of("--session-duration", format(goDuration(value).multipliedBy(2))),
              "kube2iam asked STS for twice its TTL and cached for the TTL; Podium's default is 1h"),
          refused(
              "--iam-role-error-ttl",
              true,
              Origin.KUBE2IAM,
              "Podium remembers STS's refusals for 30s and retries transient errors with backoff;"
                  + " there is no setting"),
          renamed(
              "--app-port",
              Origin.KUBE2IAM,
              "--imds-listen 0.0.0.0:PORT",
              value -> List.of("--imds-listen", "0.0.0.0:" + port(value)),
              ""),
          renamed(
              "--metrics-port",
              Origin.KUBE2IAM,
              "--metrics-listen 0.0.0.0:PORT",
              value -> List.of("--metrics-listen", "0.0.0.0:" + port(value)),
              "a port of its own (kube2iam's default was the app port); /healthz and /readyz too"),
          same(
              "--debug",
              Origin.KUBE2IAM,
              "Podium's: debug logs and stack traces; kube2iam's /debug/store is `podium explain`"),
          refused(
              "--insecure",
              false,
              Origin.KUBE2IAM,
              "Podium always verifies the API server's certificate; a --kubeconfig with"
                  + " insecure-skip-tls-verify is the way to turn that off"),
          renamed(
              "--metadata-addr",
              Origin.KUBE2IAM,
              "--metadata-upstream http://ADDR",
              value -> List.of("--metadata-upstream", "http://" + value.strip()),
              "allow-listed paths only"),
          same("--iptables", Origin.KUBE2IAM, "rule kept, checked and repaired; never removed"),
          same("--host-interface", Origin.KUBE2IAM, "repeatable: cali+, eni+, cni0, !eth0"),
          same("--namespace-restrictions", Origin.KUBE2IAM, "on by default (kube2iam: off)"),
          fixed(
              "--namespace-restriction-format",
              Origin.KUBE2IAM,
              "glob",
              "globs in "
                  + ALLOWED_ROLES_ANNOTATION
                  + "; regexes go in iam.amazonaws.com/permitted"),
          fixed(
              "--namespace-key",
              Origin.KUBE2IAM,
              ALLOWED_ROLES_ANNOTATION,
              "Podium reads " + ALLOWED_ROLES_ANNOTATION + " and iam.amazonaws.com/permitted"),
          refused(
              "--cache-resync-period",
              true,
              Origin.KUBE2IAM,
              "Podium's informers re-list after a lost watch; there is no periodic resync"),
          refused(
              "--resolve-duplicate-cache-ips",
              false,
              Origin.KUBE2IAM,
              "Podium never guesses: an IP that two live pods claim gets 503 until one goes"),
          same("--host-ip", Origin.KUBE2IAM, "from status.hostIP"),
          same("--node", Origin.KUBE2IAM, "default $NODE_NAME; only this node's pods are watched"),
          refused(
              "--backoff-max-interval",
              true,
              Origin.KUBE2IAM,
              "Podium waits for the pod's event instead of polling; --pod-wait bounds the wait"),
          renamed(
              "--backoff-max-elapsed-time",
              Origin.KUBE2IAM,
              "--pod-wait",
              value -> List.of("--pod-wait", format(goDuration(value))),
              "how long a caller waits for its pod; at most 1s, the SDKs' timeout"),
          same("--log-format", Origin.KUBE2IAM, "JSON by default"),
          renamed(
              "--log-level",
              Origin.KUBE2IAM,
              "--debug (for debug)",
              OldFlags::logLevel,
              "info is the default; " + LEVEL_REASON),
          renamed("--verbose", false, Origin.KUBE2IAM, "--debug", value -> List.of("--debug"), ""),
          fixed(
              "--use-regional-sts-endpoint",
              Origin.KUBE2IAM,
              null,
              "Podium always calls the regional STS endpoint of --region (kube2iam took the"
                  + " region from AWS_REGION)"),
          refused("--api-server", true, Origin.KUBE2IAM, API_SERVER_REASON),
          refused("--api-token", true, Origin.KUBE2IAM, API_SERVER_REASON),
          same("--kubeconfig", Origin.KUBE2IAM, "in-cluster by default"),
          same("--version", Origin.KUBE2IAM, ""),
          // kiam agent (cmd/kiam/agent.go, opts.go)
          renamed(
              "--port",
              Origin.KIAM_AGENT,
              "--imds-listen 0.0.0.0:PORT",
              value -> List.of("--imds-listen", "0.0.0.0:" + port(value)),
              "kiam's default was 3100"),
          refused(
              "--allow-ip-query",
              false,
              Origin.KIAM_AGENT,
              "a caller is known only by its TCP source address, never by what it sends"),
          same(
              "--allow-route-regexp",
              Origin.KIAM_AGENT,
              "RE2 over the whole path, anchored; user-data and the node's iam/* never pass"),
          renamed(
              "--whitelist-route-regexp",
              Origin.KIAM_AGENT,
              "--allow-route-regexp",
              value -> List.of("--allow-route-regexp", value),
              "kiam v3's name"),
          same("--iptables", Origin.KIAM_AGENT, "never removed on exit"),
          new OldFlag(
              "--iptables-remove",
              false,
              Origin.KIAM_AGENT,
              new Meaning.Fixed(
                  "false",
                  "Podium never removes the rule on exit (pods would reach the node's role);"
                      + " --cleanup removes it when uninstalling")),
          new OldFlag(
              "--no-iptables-remove",
              false,
              Origin.KIAM_AGENT,
              new Meaning.Fixed(null, "Podium never removes the rule on exit")),
          renamed(
              "--host",
              Origin.KIAM_AGENT,
              "--host-ip",
              value -> List.of("--host-ip", value),
              "kiam also read HOST_IP; Podium's chart passes $(HOST_IP)"),
          same("--host-interface", Origin.KIAM_AGENT, "repeatable"),
          renamed(
              "--server-address",
              Origin.KIAM_AGENT,
              "--server",
              value -> List.of("--server", value),
              "repeatable; every replica behind the name is streamed from"),
          refused(
              "--server-address-refresh",
              true,
              Origin.KIAM_AGENT,
              "Podium re-resolves --server every 30s (kiam v4 ignored the flag)"),
          refused(
              "--gateway-timeout-creation",
              true,
              Origin.KIAM_AGENT,
              "the agent starts without its servers and answers 503 until one has synced;"
                  + " --lookup-deadline bounds a lookup"),
          refused("--grpc-keepalive-time-duration", true, Origin.KIAM, KEEPALIVE_REASON),
          refused("--grpc-keepalive-timeout-duration", true, Origin.KIAM, KEEPALIVE_REASON),
          refused("--grpc-keepalive-permit-without-stream", false, Origin.KIAM, KEEPALIVE_REASON),
          refused("--grpc-keepalive-time-ms", true, Origin.KIAM, KEEPALIVE_REASON),
          refused("--grpc-keepalive-timeout-ms", true, Origin.KIAM, KEEPALIVE_REASON),
          // kiam agent and server (cmd/kiam/opts.go)
          renamed("--cert", Origin.KIAM, "--tls-cert", value -> List.of("--tls-cert", value), ""),
          renamed("--key", Origin.KIAM, "--tls-key", value -> List.of("--tls-key", value), ""),
          renamed(
              "--ca",
              Origin.KIAM,
              "--tls-ca",
              value -> List.of("--tls-ca", value),
              "all three re-read every --tls-refresh"),
          renamed(
              "--json-log",
              false,
              Origin.KIAM,
              "--log-format json",
              value -> List.of("--log-format", "json"),
              "JSON is Podium's default"),
          renamed("--level", Origin.KIAM, "--debug (for debug)", OldFlags::logLevel, LEVEL_REASON),
          renamed(
              "--prometheus-listen-addr",
              Origin.KIAM,
              "--metrics-listen",
              value -> List.of("--metrics-listen", listenAddress(value)),
              "/healthz and /readyz on the same port"),
          refused(
              "--prometheus-sync-interval",
              true,
              Origin.KIAM,
              "Podium's metrics are read when they are scraped"),
          refused(
              "--pprof-listen-addr",
              true,
              Origin.KIAM,
              "no pprof; the JDK's Flight Recorder profiles Podium (jcmd <pid> JFR.start)"),
          refused("--statsd", true, Origin.KIAM, STATSD_REASON),
          refused("--statsd-prefix", true, Origin.KIAM, STATSD_REASON),
          refused("--statsd-interval", true, Origin.KIAM, STATSD_REASON),
          // kiam server (cmd/kiam/server.go)
          refused(
              "--fetchers",
              true,
              Origin.KIAM_SERVER,
              "Podium queues one STS call per session and never drops one; --sts-rate-limit"
                  + " bounds the rate"),
          refused(
              "--prefetch-buffer-size",
              true,
              Origin.KIAM_SERVER,
              "Podium queues one STS call per session and never drops one; --sts-rate-limit"
                  + " bounds the rate"),
          renamed(
              "--bind",
              Origin.KIAM_SERVER,
              "--listen",
              value -> List.of("--listen", listenAddress(value)),
              "agents' port, mutual TLS"),
          same("--kubeconfig", Origin.KIAM_SERVER, "watches, re-lists after lost watches"),
          refused(
              "--sync",
              true,
              Origin.KIAM_SERVER,
              "Podium watches pods and re-lists after a lost watch; there is no periodic sync"),
          same("--role-base-arn", Origin.KIAM_SERVER, "or auto (standalone)"),
          renamed(
              "--role-base-arn-autodetect",
              false,
              Origin.KIAM_SERVER,
              "--role-base-arn auto",
              value -> List.of("--role-base-arn", "auto"),
              "standalone only: read once from the node's instance profile"),
          refused(
              "--disable-strict-namespace-regexp",
              false,
              Origin.KIAM_SERVER,
              "Podium always anchors iam.amazonaws.com/permitted as ^(?:…)$: write .* where a"
                  + " partial match was meant"),
          renamed(
              "--session",
              Origin.KIAM_SERVER,
              "--session-name-template {namespace}@NAME",
              value -> List.of("--session-name-template", "{namespace}@" + value.strip()),
              "session names start with the namespace; a constant name needs"
                  + " --unscoped-session-names --session-name-template NAME"),
          same("--session-duration", Origin.KIAM_SERVER, "1h by default (kiam: 15m)"),
          renamed(
              "--session-refresh",
              Origin.KIAM_SERVER,
              "--min-remaining",
              value -> List.of("--min-remaining", format(goDuration(value))),
              "the least validity ever handed out (default 20m); refreshes happen before"),
          same("--assume-role-arn", Origin.KIAM_SERVER, "sessions then at most 1h"),
          same(
              "--region",
              Origin.KIAM_SERVER,
              "required, or auto on the node (kiam defaulted to the global endpoint)"),
          refused(
              "--grpc-max-connection-idle-duration",
              true,
              Origin.KIAM_SERVER,
              "not settable: agents stream from every replica and reconnect on their own"),
          refused(
              "--grpc-max-connection-age-duration",
              true,
              Origin.KIAM_SERVER,
              "not settable: agents stream from every replica and reconnect on their own"),
          refused(
              "--grpc-max-connection-age-grace-duration",
              true,
              Origin.KIAM_SERVER,
              "not settable: agents stream from every replica and reconnect on their own"));

  private OldFlags() {}

  private static OldFlag renamed(
      String name,
      Origin origin,
      String podium,
      Function<String, List<String>> rewrite,
      String note) {
    return renamed(name, true, origin, podium, rewrite, note);
  }

  private static OldFlag renamed(
      String name,
      boolean takesValue,
      Origin origin,
      String podium,
      Function<String, List<String>> rewrite,
      String note) {
    return new OldFlag(name, takesValue, origin, new Meaning.Renamed(podium, rewrite, note));
  }

  private static OldFlag same(String name, Origin origin, String note) {
    return new OldFlag(name, false, origin, new Meaning.Same(note));
  }

  private static OldFlag fixed(String name, Origin origin, String value, String note) {
    return new OldFlag(name, value != null, origin, new Meaning.Fixed(value, note));
  }

  private static OldFlag refused(String name, boolean takesValue, Origin origin, String reason) {
    return new OldFlag(name, takesValue, origin, new Meaning.Refused(reason));
  }

  /** The first flag of a table entry such as {@code --imds-listen 0.0.0.0:PORT}. */
  static String firstFlag(String podium) {
    int space = podium.indexOf(' ');
    return space < 0 ? podium : podium.substring(0, space);
  }

  /** The old flags {@code command} reads, by name. */
  static Map<String, OldFlag> of(CommandSpec command) {
    Map<String, OldFlag> flags = new LinkedHashMap<>();
    for (OldFlag flag : ALL) {
      if (flag.appliesTo(command) && command.findOption(flag.name()) == null) {
        flags.putIfAbsent(flag.name(), flag);
      }
    }
    return flags;
  }

  /** The old flag of this name that some other command reads, for a hint where it is unknown. */
  static Optional<OldFlag> elsewhere(String name) {
    return ALL.stream()
        .filter(flag -> flag.name().equals(name))
        .filter(flag -> !(flag.meaning() instanceof Meaning.Same))
        .findFirst();
  }

  /**
   * Rewrites the old flags in {@code args}, a whole {@code podium} command line, for the command it
   * runs; also {@code --flag=true} and {@code --flag=false} of Podium's switches, as Go's flag
   * packages wrote them.
   *
   * @throws Refusal for an old flag Podium has no meaning for, or a value it cannot take
   */
  static Rewritten rewrite(CommandSpec root, String[] args) {
    List<String> out = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    int i = 0;
    // Options before the command's name are podium's own (--debug).
    while (i < args.length && !root.subcommands().containsKey(args[i])) {
      out.add(args[i++]);
    }
    if (i == args.length) {
      return new Rewritten(out, warnings);
    }
    CommandSpec command = root.subcommands().get(args[i]).getCommandSpec();
    out.add(args[i++]);
    if (!command.subcommands().isEmpty()) {
      // podium oidc …, podium help …: no old tool had these.
      out.addAll(List.of(args).subList(i, args.length));
      return new Rewritten(out, warnings);
    }
    Map<String, OldFlag> old = of(command);
    while (i < args.length) {
      String token = args[i++];
      if (token.equals("--")) {
        out.add(token);
        out.addAll(List.of(args).subList(i, args.length));
        break;
      }
      if (!token.startsWith("--")) {
        out.add(token);
        continue;
      }
      int equals = token.indexOf('=');
      String name = equals < 0 ? token : token.substring(0, equals);
      String inline = equals < 0 ? null : token.substring(equals + 1);
      OptionSpec real = command.findOption(name);
      if (real != null) {
        if (inline != null && isSwitch(real)) {
          // --iptables=true, as kube2iam's examples write it: the switch, or nothing.
          if (inline.equalsIgnoreCase("true")) {
            out.add(name);
          } else if (!inline.equalsIgnoreCase("false")) {
            out.add(token);
          }
          continue;
        }
        out.add(token);
        if (inline == null && takesNext(real, i < args.length ? args[i] : null)) {
          out.add(args[i++]);
        }
        continue;
      }
      OldFlag flag = old.get(name);
      if (flag == null) {
        out.add(token);
        continue;
      }
      String value = inline;
      if (flag.takesValue() && value == null) {
        if (i >= args.length || args[i].startsWith("--")) {
          throw new Refusal(name + " (" + flag.origin().label() + "'s) needs a value");
        }
        value = args[i++];
      }
      List<String> rewritten = meaning(command, flag, value);
      out.addAll(rewritten);
      warnings.add(warning(flag, token, value, rewritten));
    }
    return new Rewritten(out, warnings);
  }

  /** Podium's arguments for one old flag; throws {@link Refusal} when it has none. */
  private static List<String> meaning(CommandSpec command, OldFlag flag, String value) {
    String name = flag.name();
    String who = name + " is " + flag.origin().label() + "'s";
    return switch (flag.meaning()) {
      case Meaning.Renamed renamed -> {
        try {
          yield renamed.rewrite().apply(value == null ? "" : value);
        } catch (Refusal refusal) {
          throw new Refusal(who + ": " + refusal.getMessage());
        }
      }
      case Meaning.Fixed fixed -> {
        boolean matches =
            fixed.value() == null
                ? value == null || value.equalsIgnoreCase("true")
                : value != null && value.strip().equalsIgnoreCase(fixed.value());
        if (!matches) {
          throw new Refusal(
              who
                  + ": "
                  + fixed.note()
                  + ", so "
                  + echo(value)
                  + " cannot be honoured"
                  + (fixed.value() == null
                      ? ""
                      : " (drop the flag, or give " + fixed.value() + ")"));
        }
        yield List.of();
      }
      case Meaning.Refused refused ->
          throw new Refusal(
              who + ", and podium " + command.name() + " has no such setting: " + refused.reason());
      case Meaning.Same same -> List.of(name);
    };
  }

  private static String warning(OldFlag flag, String token, String value, List<String> podium) {
    String given = flag.takesValue() && !token.contains("=") ? token + " " + value : token;
    String note =
        switch (flag.meaning()) {
          case Meaning.Renamed renamed -> renamed.note();
          case Meaning.Fixed fixed -> fixed.note();
          default -> "";
        };
    StringBuilder warning =
        new StringBuilder(given).append(" is ").append(flag.origin().label()).append("'s flag: ");
    if (podium.isEmpty()) {
      warning.append("dropped, it is what Podium does anyway");
    } else {
      warning.append("read as ").append(String.join(" ", podium)).append(" (use that instead)");
    }
    if (!note.isEmpty()) {
      warning.append("; ").append(note);
    }
    return warning.toString();
  }

  private static boolean isSwitch(OptionSpec option) {
    return option.arity().max() == 0
        && (option.type() == boolean.class || option.type() == Boolean.class);
  }

  /** Whether picocli takes {@code next} as the value of {@code option}. */
  private static boolean takesNext(OptionSpec option, String next) {
    if (next == null || option.arity().max() == 0) {
      return false;
    }
    if (option.arity().min() >= 1) {
      return true;
    }
    // Optional values (--namespace-restrictions [true|false]): only what the option can read.
    return !next.startsWith("-")
        && (!(option.type() == boolean.class || option.type() == Boolean.class)
            || next.equalsIgnoreCase("true")
            || next.equalsIgnoreCase("false"));
  }

  private static List<String> logLevel(String level) {
    return switch (level.strip().toLowerCase(Locale.ROOT)) {
      case "debug", "trace" -> List.of("--debug");
      case "info" -> List.of();
      default -> throw new Refusal("level " + echo(level) + " is not Podium's: " + LEVEL_REASON);
    };
  }

  private static String port(String value) {
    String text = value.strip();
    if (text.startsWith(":")) {
      text = text.substring(1);
    }
    if (!text.matches("\\d{1,5}") || Integer.parseInt(text) > 65535) {
      throw new Refusal(echo(value) + " is not a port number");
    }
    return text;
  }

  /** Go's {@code :9620} (every address) as Podium's {@code 0.0.0.0:9620}. */
  private static String listenAddress(String value) {
    String text = value.strip();
    return text.startsWith(":") ? "0.0.0.0" + text : text;
  }

  private static final Pattern GO_PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  /** A duration as Go's time.ParseDuration reads it: 15m, 1h30m, 1.5h, 900s, 500ms. */
  static Duration goDuration(String value) {
    String text = value == null ? "" : value.strip();
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher part = GO_PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (part.find() && part.start() == end) {
      BigDecimal amount = new BigDecimal(part.group(1));
      long unit =
          switch (part.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos = nanos.add(amount.multiply(BigDecimal.valueOf(unit)));
      end = part.end();
    }
    if (end == 0 || end != text.length()) {
      throw new Refusal(echo(value) + " is not a duration such as 15m, 1h or 90s");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  /** A duration as Podium's flags write it: 30m, 1h, 90s, 500ms. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }

  private static String echo(String value) {
    if (value == null) {
      return "a switch";
    }
    String text = value.length() <= 64 ? value : value.substring(0, 64) + "…";
    return "'" + text + "'";
  }

  /** For the table's Podium column: where the flag goes (or what is refused). */
  static String podiumColumn(OldFlag flag) {
    return switch (flag.meaning()) {
      case Meaning.Same same -> "`" + flag.name() + "`";
      case Meaning.Renamed renamed -> "`" + renamed.podium() + "`";
      case Meaning.Fixed fixed ->
          fixed.value() == null ? "— (always)" : "— (always `" + fixed.value() + "`)";
      case Meaning.Refused refused -> "refused";
    };
  }

  /** For the table's notes column. */
  static String noteColumn(OldFlag flag) {
    return switch (flag.meaning()) {
      case Meaning.Same same -> same.note();
      case Meaning.Renamed renamed -> renamed.note();
      case Meaning.Fixed fixed -> fixed.note();
      case Meaning.Refused refused -> refused.reason();
    };
  }
}
