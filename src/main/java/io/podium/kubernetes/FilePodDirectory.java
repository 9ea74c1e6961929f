package io.podium.kubernetes;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.podium.core.PodProblems;
import io.podium.core.PodSource;
import io.podium.core.account.ServiceAccountDirectory;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.account.ServiceAccountView;
import io.podium.core.broker.Scheduler;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod source of {@code podium dev} and {@code --pods-file}: pods, namespaces and service
 * accounts from one file of Kubernetes manifests, reloaded when the file changes. Synced once read;
 * problems with a pod are only logged. It is also the service-account directory of {@code podium
 * webhook --pods-file}.
 *
 * <p>Changes are found by reading the file every poll interval (one second by default) and
 * comparing its bytes with the version in force, rather than with a {@code WatchService} on the
 * parent directory: on macOS, where {@code podium dev} runs on laptops, the JDK's watch service is
 * itself a poller with seconds of delay; a ConfigMap volume updates through a {@code ..data}
 * symlink swap, which raises no event under the file's name; and modification times can stand still
 * across a fast rewrite or a copy that preserves them. Comparing contents sees an in-place write, a
 * rename over the file and a symlink swap alike, and reading a small file once a second costs
 * nothing. A changed version is put in force once a second read, shortly after, finds the same
 * bytes, so that an editor caught writing in place does not make the pods vanish for a moment. A
 * version that fails to parse is remembered too, so that it is reported once, not every second.
 *
 * <p>Listeners are told on the scheduler's thread, after the new state is in place.
 */
public final class FilePodDirectory implements PodSource, ServiceAccountDirectory {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** How long a changed version must stay the same before it is put in force. */
  static final Duration MAX_SETTLE_DELAY = Duration.ofMillis(50);

  private static final Logger log = LoggerFactory.getLogger(FilePodDirectory.class);

  private final Path file;
  private final Optional<RoleBaseArn> roleBaseArn;
  private final Duration pollInterval;
  private final Duration settleDelay;
  private final Clock clock;
  private final Scheduler scheduler;
  private final PodsFile podsFile;
  private final PodIpIndex index;
  private final PodListeners listeners = new PodListeners();
  private final Object lock = new Object();

  // Written under lock; read without it on the request path.
  private volatile Map<String, NamespacePolicy> policies = Map.of();
  private volatile Map<String, ServiceAccountView> serviceAccounts = Map.of();

  // Guarded by lock.
  private Map<String, PodIdentity> pods = Map.of();
  private Map<String, NamespaceAnnotations> namespaces = Map.of();
  private byte[] lastContent;
  private byte[] candidate;
  private String lastReadProblem;
  private Scheduler.Cancellable nextPoll;
  private boolean started;
  private boolean closed;

  /**
   * Loads {@code file}; {@link #start()} then watches it for changes.
   *
   * @param roleBaseArn {@code --role-base-arn}, which decides what bare role names in namespace
   *     policies mean
   * @param nodeAddresses the node's own addresses, answered as {@link PodLookup.HostAddress}
   * @param pollInterval how often the file is checked for changes
   * @param clock the time against which pods' termination grace periods are judged
   * @param scheduler runs the checks and the listeners
   * @throws InvalidPodsFileException when the file cannot be read or parsed, naming the problem
   */
  public FilePodDirectory(
      Path file,
      Optional<RoleBaseArn> roleBaseArn,
      Collection<InetAddress> nodeAddresses,
      Duration pollInterval,
      Clock clock,
      Scheduler scheduler) {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive, got " + pollInterval);
    }
    this.file = file;
    this.roleBaseArn = roleBaseArn;
    this.pollInterval = pollInterval;
    this.settleDelay =
        pollInterval.compareTo(MAX_SETTLE_DELAY) < 0 ? pollInterval : MAX_SETTLE_DELAY;
    this.clock = clock;
    this.scheduler = scheduler;
    this.podsFile = new PodsFile(new KubernetesSerialization());
    this.index = new PodIpIndex(nodeAddresses);
    byte[] content;
    try {
      content = PodsFile.read(file);
    } catch (IOException e) {
      throw new InvalidPodsFileException(file, "cannot be read: " + describe(e), e);
    }
    PodsFile.Contents contents = podsFile.parse(file, content);
    synchronized (lock) {
      lastContent = content;
      apply(contents);
    }
  }

  /**
   * Reads and parses {@code file} as a directory would at start, so that a command can refuse a
   * broken file before anything starts.
   *
   * @throws InvalidPodsFileException when the file cannot be read or parsed, naming the problem
   */
  public static void check(Path file) {
    byte[] content;
    try {
      content = PodsFile.read(file);
    } catch (IOException e) {
      throw new InvalidPodsFileException(file, "cannot be read: " + describe(e), e);
    }
    new PodsFile(new KubernetesSerialization()).parse(file, content);
  }

  /** Starts checking the file for changes; calling it again does nothing. */
  @Override
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("pods file directory for " + file + " is closed");
      }
      if (!started) {
        started = true;
        nextPoll = scheduler.schedule(pollInterval, this::poll);
      }
    }
  }

  /** The file was read whole when this source was made. */
  @Override
  public boolean synced() {
    return true;
  }

  @Override
  public void addListener(PodChangeListener listener) {
    synchronized (lock) {
      listeners.add(listener, pods.values());
    }
  }

  @Override
  public int podCount() {
    synchronized (lock) {
      return pods.size();
    }
  }

  @Override
  public void retell(PodChangeListener listener) {
    synchronized (lock) {
      listeners.retell(listener, pods.values());
    }
  }

  /** Nowhere: a file's pods have no API server to put Events on; the log says what is wrong. */
  @Override
  public PodProblems problems() {
    return PodProblems.NONE;
  }

  @Override
  public CompletionStage<PodLookup> findByIp(InetAddress ip) {
    // The file is the whole truth: there is no news of a pod to wait for.
    return CompletableFuture.completedFuture(index.lookup(ip, clock.instant()));
  }

  @Override
  public CompletionStage<Optional<PodIdentity>> findByUid(String uid) {
    return CompletableFuture.completedFuture(index.pod(uid));
  }

  @Override
  public NamespacePolicy namespacePolicy(String namespace) {
    NamespacePolicy policy = policies.get(namespace);
    return policy != null ? policy : NamespacePolicy.unannotated(namespace);
  }

  /** The file is the whole truth: an account it does not hold does not exist. */
  @Override
  public CompletionStage<ServiceAccountLookup> find(String namespace, String name) {
    ServiceAccountView account = serviceAccounts.get(namespace + "/" + name);
    return CompletableFuture.completedFuture(
        account == null
            ? new ServiceAccountLookup.NotFound(
                "pods file " + file + " has no service account " + namespace + "/" + name)
            : new ServiceAccountLookup.Found(account, namespacePolicy(namespace)));
  }

  /** The pods of the version of the file in force. */
  public List<PodIdentity> pods() {
    return index.pods();
  }

  /** How many lookups found several pods that may hold credentials on one IP. */
  public long ambiguousLookups() {
    return index.ambiguousLookups();
  }

  /** Stops checking the file; the last version loaded keeps answering. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (nextPoll != null) {
        nextPoll.cancel();
      }
    }
  }

  private void poll() {
    Duration next = pollInterval;
    try {
      next = checkForChanges();
    } catch (RuntimeException e) {
      log.error("pods file {}: reload failed, keeping the previous version", file, e);
    } finally {
      // The next check is scheduled after this one ends, so checks never overlap or pile up.
      synchronized (lock) {
        if (!closed) {
          nextPoll = scheduler.schedule(next, this::poll);
        }
      }
    }
  }

  /** Reads the file and puts a changed version in force; returns when to look again. */
  private Duration checkForChanges() {
    byte[] content;
    String readProblem;
    try {
      content = PodsFile.read(file);
      readProblem = null;
    } catch (IOException e) {
      content = null;
      readProblem = "pods file " + file + " cannot be read: " + describe(e);
    } catch (InvalidPodsFileException e) {
      content = null;
      readProblem = e.getMessage();
    }
    synchronized (lock) {
      if (closed) {
        return pollInterval;
      }
      if (content == null) {
        // Report a missing or unreadable file once, not once per poll; an editor that deletes
        // before it writes makes it vanish for a moment.
        if (!readProblem.equals(lastReadProblem)) {
          log.warn("{}; keeping the {} pods loaded before", readProblem, pods.size());
          lastReadProblem = readProblem;
        }
        return pollInterval;
      }
      lastReadProblem = null;
      if (Arrays.equals(content, lastContent)) {
        candidate = null;
        return pollInterval;
      }
      if (!Arrays.equals(content, candidate)) {
        // Seen once: an editor that writes in place may be half-way through. Look again shortly
        // and take the version only if it has not moved.
        candidate = content;
        return settleDelay;
      }
      candidate = null;
      lastContent = content;
      PodsFile.Contents contents;
      try {
        contents = podsFile.parse(file, content);
      } catch (InvalidPodsFileException e) {
        log.error("{}; keeping the {} pods loaded before", e.getMessage(), pods.size());
        return pollInterval;
      }
      Changes changes = apply(contents);
      listeners.changed(changes.removed(), changes.told());
      log.info(
          "pods file {} reloaded: {} pods, {} added or changed, {} removed, namespaces changed: {}",
          file,
          pods.size(),
          changes.upserted().size(),
          changes.removed().size(),
          changes.namespaces());
      return pollInterval;
    }
  }

  /** Puts {@code contents} in force and returns what changed; call holding the lock. */
  private Changes apply(PodsFile.Contents contents) {
    Map<String, PodIdentity> next = new LinkedHashMap<>();
    for (PodIdentity pod : contents.pods()) {
      next.put(pod.uid(), pod);
    }
    // Removals first, so that an IP handed from a removed pod to another is never claimed twice.
    List<PodIdentity> removed = new ArrayList<>();
    for (PodIdentity old : pods.values()) {
      if (!next.containsKey(old.uid())) {
        index.remove(old.uid());
        removed.add(old);
      }
    }
    List<PodIdentity> upserted = new ArrayList<>();
    for (PodIdentity pod : next.values()) {
      if (!pod.equals(pods.get(pod.uid()))) {
        index.upsert(pod);
        upserted.add(pod);
      }
    }

    TreeSet<String> names = new TreeSet<>(namespaces.keySet());
    names.addAll(contents.namespaces().keySet());
    List<String> changedNamespaces = new ArrayList<>();
    for (String name : names) {
      if (!annotations(namespaces, name).equals(annotations(contents.namespaces(), name))) {
        changedNamespaces.add(name);
      }
    }
    Map<String, NamespacePolicy> compiled = new HashMap<>();
    contents
        .namespaces()
        .forEach((name, annotations) -> compiled.put(name, annotations.compile(roleBaseArn)));
    for (String name : changedNamespaces) {
      NamespacePolicy policy = compiled.get(name);
      if (policy != null && !policy.problems().isEmpty()) {
        log.warn(
            "pods file {}: namespace {} permits nothing through its broken annotations: {}",
            file,
            name,
            String.join("; ", policy.problems()));
      }
    }

    policies = Map.copyOf(compiled);
    serviceAccounts = contents.serviceAccounts();
    namespaces = contents.namespaces();
    pods = next;
    if (!contents.ignored().isEmpty()) {
      log.info(
          "pods file {}: ignoring {} (only Pod, Namespace and ServiceAccount are read)",
          file,
          String.join(", ", contents.ignored()));
    }
    // The pods of a namespace whose policy changed are told again, to be judged anew.
    Set<String> changedNames = new HashSet<>(changedNamespaces);
    Set<PodIdentity> told = new HashSet<>(upserted);
    List<PodIdentity> rejudged = new ArrayList<>();
    for (PodIdentity pod : next.values()) {
      if (changedNames.contains(pod.namespace()) && !told.contains(pod)) {
        rejudged.add(pod);
      }
    }
    return new Changes(upserted, removed, changedNamespaces, rejudged);
  }

  private static NamespaceAnnotations annotations(
      Map<String, NamespaceAnnotations> namespaces, String name) {
    NamespaceAnnotations annotations = namespaces.get(name);
    return annotations != null ? annotations : NamespaceAnnotations.none(name);
  }

  private static String describe(IOException e) {
    return switch (e) {
      case NoSuchFileException _ -> "it does not exist";
      case AccessDeniedException _ -> "permission denied";
      default ->
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    };
  }

  /** What one reload changed, in the order listeners hear it. */
  private record Changes(
      List<PodIdentity> upserted,
      List<PodIdentity> removed,
      List<String> namespaces,
      List<PodIdentity> rejudged) {

    /** What listeners hear as upserted: the pods that changed, then those judged anew. */
    List<PodIdentity> told() {
      List<PodIdentity> told = new ArrayList<>(upserted);
      told.addAll(rejudged);
      return told;
    }
  }
}
