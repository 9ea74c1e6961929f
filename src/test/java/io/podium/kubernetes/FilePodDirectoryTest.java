package io.podium.kubernetes;

import static io.podium.testing.TestPods.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.broker.ExecutorScheduler;
import io.podium.core.broker.Scheduler;
import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.pod.PodPhase;
import io.podium.core.role.RoleBaseArn;
import io.podium.testing.LogCapture;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class FilePodDirectoryTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));
  private static final Duration POLL = FilePodDirectory.DEFAULT_POLL_INTERVAL;
  private static final Duration FAST_POLL = Duration.ofMillis(20);

  @RegisterExtension final LogCapture logs = new LogCapture();

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(NOW);
  // Most tests poll by hand through the manual scheduler; those that prove the file is really
  // watched run on a real thread and wait with Awaitility.
  private final ManualScheduler manual = new ManualScheduler(clock);
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final List<FilePodDirectory> opened = new ArrayList<>();

  @AfterEach
  void stop() {
    opened.forEach(FilePodDirectory::close);
    executor.shutdownNow();
  }

  // --- reading ---

  @Test
  void readsPodsNamespacesAndServiceAccountsFromSeveralDocuments() {
    FilePodDirectory pods = open(resource("several-documents.yaml"));

    PodIdentity web = found(pods, "10.0.0.1");
    assertThat(web.qualifiedName()).isEqualTo("shop/web");
    assertThat(web.uid()).isEqualTo("0b6f8f9e-1c1d-4c55-9a51-3f7f7c1d0001");
    assertThat(web.nodeName()).isEqualTo("node-1");
    assertThat(web.annotations()).isEqualTo(new PodAnnotations("shop-web", "ext-1", null));
    assertThat(found(pods, "fd00::1")).isEqualTo(web);

    PodIdentity indexer = found(pods, "10.0.0.2");
    assertThat(indexer.phase()).isEqualTo(PodPhase.PENDING);
    assertThat(indexer.serviceAccountRoleArn())
        .isEqualTo("arn:aws:iam::123456789012:role/shop-indexer");

    assertThat(pods.pods()).hasSize(2);
    assertThat(pods.namespacePolicy("shop").annotated()).isTrue();
    assertThat(pods.namespacePolicy("shop").problems()).isEmpty();
  }

  @Test
  void ignoresOtherKindsWithOneLogLine() {
    open(resource("several-documents.yaml"));

    assertThat(logs.messagesFrom(FilePodDirectory.class.getName()))
        .filteredOn(message -> message.contains("ignoring"))
        .singleElement()
        .asString()
        .endsWith(
            "ignoring Deployment shop/web, ConfigMap shop/settings, Widget gadget"
                + " (only Pod, Namespace and ServiceAccount are read)");
  }

  @Test
  void readsAKubernetesList() {
    FilePodDirectory pods = open(resource("list.yaml"));

    assertThat(found(pods, "10.0.0.1").qualifiedName()).isEqualTo("shop/web");
    assertThat(pods.namespacePolicy("shop").annotated()).isTrue();
    assertThat(pods.pods()).hasSize(1);
  }

  @Test
  void appliesServiceAccountRolesOnlyToPodsOfThatAccountInThatNamespace() throws IOException {
    Path file =
        write(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: worker
              namespace: a
              annotations:
                eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/a-worker
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: default
              annotations:
                eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/default-sa
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: w, namespace: a}
            spec: {serviceAccountName: worker}
            status: {phase: Running, podIP: 10.0.0.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: w, namespace: b}
            spec: {serviceAccountName: worker}
            status: {phase: Running, podIP: 10.0.0.2}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: plain}
            status: {phase: Running, podIP: 10.0.0.3}
            """);

    FilePodDirectory pods = open(file);

    assertThat(found(pods, "10.0.0.1").serviceAccountRoleArn())
        .isEqualTo("arn:aws:iam::123456789012:role/a-worker");
    assertThat(found(pods, "10.0.0.2").serviceAccountRoleArn()).isNull();
    assertThat(found(pods, "10.0.0.3").serviceAccountRoleArn())
        .isEqualTo("arn:aws:iam::123456789012:role/default-sa");
  }

  @Test
  void answersTheWebhookWithEachServiceAccountsAnnotationsAndItsNamespacesPolicy()
      throws Exception {
    Path file =
        write(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: a
              annotations:
                iam.amazonaws.com/permitted: a-.*
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: worker
              namespace: a
              uid: 5a1c0e3e-0000-4000-8000-000000000001
              annotations:
                eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/a-worker
                eks.amazonaws.com/audience: custom
            """);

    FilePodDirectory pods = open(file);
    ServiceAccountLookup worker = pods.find("a", "worker").toCompletableFuture().get();
    ServiceAccountLookup ghost = pods.find("a", "ghost").toCompletableFuture().get();

    assertThat(worker)
        .isInstanceOfSatisfying(
            ServiceAccountLookup.Found.class,
            found -> {
              assertThat(found.account().uid()).isEqualTo("5a1c0e3e-0000-4000-8000-000000000001");
              assertThat(found.account().annotation("eks.amazonaws.com/audience"))
                  .contains("custom");
              assertThat(found.policy().annotated()).isTrue();
              assertThat(found.policy().namespace()).isEqualTo("a");
            });
    assertThat(ghost)
        .isInstanceOfSatisfying(
            ServiceAccountLookup.NotFound.class,
            notFound -> assertThat(notFound.reason()).contains("a/ghost"));
  }

  @Test
  void anEmptyFileHoldsNoPods() throws IOException {
    FilePodDirectory pods = open(write("# nothing yet\n"));

    assertThat(pods.pods()).isEmpty();
    assertThat(lookup(pods, "10.0.0.1")).isInstanceOf(PodLookup.NotFound.class);
  }

  @Test
  void unknownNamespaceHasNoPolicy() {
    FilePodDirectory pods = open(resource("several-documents.yaml"));

    assertThat(pods.namespacePolicy("elsewhere").annotated()).isFalse();
    assertThat(pods.namespacePolicy("elsewhere").namespace()).isEqualTo("elsewhere");
  }

  // --- bad files at start ---

  @Test
  void refusesToStartWithInvalidYamlNamingFileAndLine() {
    Path file = resource("bad-syntax.yaml");

    assertThatThrownBy(() -> open(file))
        .isInstanceOf(InvalidPodsFileException.class)
        .hasMessageStartingWith("pods file " + file + ": is not valid YAML: ")
        .hasMessageContaining("at line 6, column 7")
        .hasMessageContaining("started at line 5, column 16");
  }

  @Test
  void refusesToStartWithoutTheFile() {
    Path file = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> open(file))
        .isInstanceOf(InvalidPodsFileException.class)
        .hasMessage("pods file " + file + ": cannot be read: it does not exist");
  }

  @Test
  void refusesADocumentWithoutApiVersion() {
    Path file = resource("missing-api-version.yaml");

    assertThatThrownBy(() -> open(file))
        .isInstanceOf(InvalidPodsFileException.class)
        .hasMessageStartingWith("pods file " + file + ": an object of kind Pod has no apiVersion");
  }

  @Test
  void refusesAFieldOfTheWrongTypeNamingTheField() {
    Path file = resource("wrong-field-type.yaml");

    assertThatThrownBy(() -> open(file))
        .isInstanceOf(InvalidPodsFileException.class)
        .hasMessageStartingWith("pods file " + file + ": a Pod has an invalid spec.hostNetwork: ")
        .hasMessageContaining("sometimes");
  }

  @Test
  void refusesAPodDefinedTwice() {
    Path file = resource("pod-twice.yaml");

    assertThatThrownBy(() -> open(file))
        .isInstanceOf(InvalidPodsFileException.class)
        .hasMessage("pods file " + file + ": pod shop/web is defined twice");
  }

  @Test
  void refusesAPodWithoutName() {
    Path file = resource("unnamed-pod.yaml");

    assertThatThrownBy(() -> open(file))
        .isInstanceOf(InvalidPodsFileException.class)
        .hasMessage("pods file " + file + ": a Pod has no metadata.name");
  }

  @Test
  void refusesANamespaceDefinedTwice() throws IOException {
    Path file =
        write(
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            """);

    assertThatThrownBy(() -> open(file))
        .isInstanceOf(InvalidPodsFileException.class)
        .hasMessage("pods file " + file + ": namespace shop is defined twice");
  }

  // --- lookups ---

  @Test
  void judgesGracePeriodsByItsClock() throws IOException {
    Path file =
        write(
            pod("shop", "web", "10.0.0.1", "Running")
                .replace(
                    "metadata:\n", "metadata:\n  deletionTimestamp: \"2026-01-01T12:00:30Z\"\n"));
    FilePodDirectory pods = open(file);

    assertThat(lookup(pods, "10.0.0.1")).isInstanceOf(PodLookup.Found.class);
    clock.set(NOW.plusSeconds(31));
    assertThat(lookup(pods, "10.0.0.1")).isInstanceOf(PodLookup.NotFound.class);
  }

  @Test
  void answersNodeAddressesAsHostAddresses() throws IOException {
    FilePodDirectory pods =
        open(
            write(pod("shop", "web", "10.0.0.1", "Running")),
            Set.of(ip("192.168.1.10")),
            POLL,
            manual);

    assertThat(lookup(pods, "192.168.1.10")).isInstanceOf(PodLookup.HostAddress.class);
  }

  @Test
  void theHostIpThePodsReportIsANodeAddressThatNoPodRecordGetsServedOn() throws IOException {
    // dev/web reports its node at 127.0.0.13; dev/forged claims that very address as its own.
    FilePodDirectory pods =
        open(
            write(
                pod("dev", "web", "127.0.0.2", "Running")
                        .replace("  phase: Running\n", "  phase: Running\n  hostIP: 127.0.0.13\n")
                    + "---\n"
                    + pod("dev", "forged", "127.0.0.13", "Running")));

    assertThat(lookup(pods, "127.0.0.13")).isInstanceOf(PodLookup.HostAddress.class);
    assertThat(found(pods, "127.0.0.2").name()).isEqualTo("web");
  }

  @Test
  void answersAConflictOnOneIpAsAmbiguousAndCountsIt() throws IOException {
    FilePodDirectory pods =
        open(
            write(
                pod("shop", "a", "10.0.0.1", "Running")
                    + "---\n"
                    + pod("shop", "b", "10.0.0.1", "Running")));

    assertThat(lookup(pods, "10.0.0.1")).isInstanceOf(PodLookup.Ambiguous.class);
    assertThat(pods.ambiguousLookups()).isOne();
  }

  // --- reloading ---

  @Test
  void reloadsWhenTheFileChanges() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = watch(file);

    Files.writeString(file, pod("shop", "web", "10.0.0.7", "Running"));

    await().until(() -> lookup(pods, "10.0.0.7") instanceof PodLookup.Found);
    assertThat(lookup(pods, "10.0.0.1")).isInstanceOf(PodLookup.NotFound.class);
  }

  @Test
  void seesAFileReplacedThroughARename() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = watch(file);

    // What editors and `kubectl ... > tmp && mv tmp file` do: write aside, rename over.
    Path aside =
        Files.writeString(dir.resolve(".pods.yaml.swp"), pod("shop", "web", "10.0.0.8", "Running"));
    Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    await().until(() -> lookup(pods, "10.0.0.8") instanceof PodLookup.Found);
  }

  @Test
  void seesAConfigMapVolumeUpdate() throws IOException {
    // Kubernetes updates a mounted ConfigMap by pointing the ..data symlink at a new directory.
    Path first = Files.createDirectory(dir.resolve("..2026_01_01_1"));
    Files.writeString(first.resolve("pods.yaml"), pod("shop", "web", "10.0.0.1", "Running"));
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("pods.yaml"), Path.of("..data/pods.yaml"));
    FilePodDirectory pods = open(file);

    Path second = Files.createDirectory(dir.resolve("..2026_01_01_2"));
    Files.writeString(second.resolve("pods.yaml"), pod("shop", "web", "10.0.0.2", "Running"));
    Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
    Files.move(swap, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    poll();

    assertThat(found(pods, "10.0.0.2").name()).isEqualTo("web");
  }

  @Test
  void seesARewriteThatKeepsSizeAndModificationTime() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FileTime modified = Files.getLastModifiedTime(file);
    FilePodDirectory pods = watch(file);

    Files.writeString(file, pod("shop", "web", "10.0.0.2", "Running"));
    Files.setLastModifiedTime(file, modified);

    await().until(() -> lookup(pods, "10.0.0.2") instanceof PodLookup.Found);
  }

  @Test
  void tellsListenersExactlyWhatChanged() throws IOException {
    Path file =
        write(
            namespace("kept", "kept-.*")
                + "---\n"
                + namespace("edited", "old-.*")
                + "---\n"
                + namespace("dropped", "x")
                + "---\n"
                + pod("edited", "app", "10.0.0.7", "Running")
                + "---\n"
                + pod("kept", "app", "10.0.0.8", "Running")
                + "---\n"
                + pod("shop", "same", "10.0.0.1", "Running")
                + "---\n"
                + pod("shop", "moved", "10.0.0.2", "Running")
                + "---\n"
                + pod("shop", "gone", "10.0.0.3", "Running"));
    FilePodDirectory pods = watch(file);
    RecordingListener listener = new RecordingListener();
    pods.addListener(listener);
    listener.events.clear();

    Files.writeString(
        file,
        namespace("kept", "kept-.*")
            + "---\n"
            + namespace("edited", "new-.*")
            + "---\n"
            + namespace("added", "y")
            + "---\n"
            + pod("edited", "app", "10.0.0.7", "Running")
            + "---\n"
            + pod("kept", "app", "10.0.0.8", "Running")
            + "---\n"
            + pod("shop", "same", "10.0.0.1", "Running")
            + "---\n"
            + pod("shop", "moved", "10.0.0.9", "Running")
            + "---\n"
            + pod("shop", "new", "10.0.0.3", "Pending"));

    await().until(() -> listener.events.size() >= 4);
    // The unchanged pod of the namespace whose policy changed is told again, to be judged anew;
    // the unchanged pods of unchanged namespaces are not.
    assertThat(listener.events)
        .containsExactly(
            "removed shop/gone [/10.0.0.3]",
            "upserted shop/moved [/10.0.0.9]",
            "upserted shop/new [/10.0.0.3]",
            "upserted edited/app [/10.0.0.7]");
    assertThat(found(pods, "10.0.0.3").name()).isEqualTo("new");
    assertThat(pods.namespacePolicy("edited").annotated()).isTrue();
    assertThat(pods.namespacePolicy("dropped").annotated()).isFalse();
  }

  @Test
  void aServiceAccountRoleChangeUpsertsItsPods() throws IOException {
    Path file = write(serviceAccount("shop", "worker", "one") + "---\n" + workerPod("10.0.0.1"));
    FilePodDirectory pods = open(file);
    RecordingListener listener = new RecordingListener();
    pods.addListener(listener);
    listener.events.clear();

    Files.writeString(
        file, serviceAccount("shop", "worker", "two") + "---\n" + workerPod("10.0.0.1"));
    poll();

    assertThat(listener.events).containsExactly("upserted shop/w [/10.0.0.1]");
    assertThat(found(pods, "10.0.0.1").serviceAccountRoleArn())
        .isEqualTo("arn:aws:iam::123456789012:role/two");
  }

  @Test
  void addingAnUnannotatedNamespaceChangesNoPolicy() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = open(file);
    RecordingListener listener = new RecordingListener();
    pods.addListener(listener);
    listener.events.clear();

    Files.writeString(
        file,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
            + pod("shop", "web", "10.0.0.1", "Running"));
    poll();

    assertThat(listener.events).isEmpty();
  }

  @Test
  void waitsForAVersionCaughtHalfWrittenToHoldStill() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = open(file);
    RecordingListener listener = new RecordingListener();
    pods.addListener(listener);
    listener.events.clear();

    // An editor that writes in place has truncated the file when the check comes.
    Files.writeString(file, "");
    manual.advance(POLL);
    assertThat(found(pods, "10.0.0.1").name()).isEqualTo("web");

    Files.writeString(file, pod("shop", "web", "10.0.0.2", "Running"));
    manual.advance(FilePodDirectory.MAX_SETTLE_DELAY);
    assertThat(lookup(pods, "10.0.0.2")).isInstanceOf(PodLookup.NotFound.class);
    manual.advance(FilePodDirectory.MAX_SETTLE_DELAY);

    assertThat(found(pods, "10.0.0.2").name()).isEqualTo("web");
    assertThat(listener.events).containsExactly("upserted shop/web [/10.0.0.2]");
  }

  @Test
  void keepsThePreviousVersionWhenTheNewOneIsBrokenAndSaysSoOnce() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = open(file);
    RecordingListener listener = new RecordingListener();
    pods.addListener(listener);
    listener.events.clear();

    Files.writeString(file, "apiVersion: v1\nkind: Pod\nmetadata: [broken\n");
    poll();
    poll();
    poll();

    assertThat(found(pods, "10.0.0.1").name()).isEqualTo("web");
    assertThat(listener.events).isEmpty();
    assertThat(errors())
        .singleElement()
        .asString()
        .startsWith("pods file " + file + ": is not valid YAML: ")
        .endsWith("; keeping the 1 pods loaded before")
        .doesNotContain("\n");

    Files.writeString(file, pod("shop", "web", "10.0.0.2", "Running"));
    poll();

    assertThat(found(pods, "10.0.0.2").name()).isEqualTo("web");
  }

  @Test
  void brokenVersionSeenByThePollerKeepsThePreviousOne() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = watch(file);

    Files.writeString(file, pod("shop", "web", "10.0.0.2", "Running") + "  oops: [\n");

    await().until(() -> !errors().isEmpty());
    assertThat(found(pods, "10.0.0.1").name()).isEqualTo("web");
    assertThat(lookup(pods, "10.0.0.2")).isInstanceOf(PodLookup.NotFound.class);
  }

  @Test
  void keepsThePodsWhileTheFileIsMissingForAMoment() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = open(file);

    Files.delete(file);
    poll();
    poll();

    assertThat(found(pods, "10.0.0.1").name()).isEqualTo("web");
    assertThat(logs.messagesFrom(FilePodDirectory.class.getName()))
        .filteredOn(message -> message.contains("does not exist"))
        .containsExactly(
            "pods file "
                + file
                + " cannot be read: it does not exist; keeping the 1 pods loaded"
                + " before");

    Files.writeString(file, pod("shop", "web", "10.0.0.2", "Running"));
    poll();

    assertThat(found(pods, "10.0.0.2").name()).isEqualTo("web");
  }

  @Test
  void newListenerFirstHearsEveryCurrentPod() {
    FilePodDirectory pods = open(resource("several-documents.yaml"));
    RecordingListener listener = new RecordingListener();

    pods.addListener(listener);

    assertThat(listener.events)
        .containsExactlyInAnyOrder(
            "upserted shop/web [/10.0.0.1, /fd00:0:0:0:0:0:0:1]",
            "upserted shop/indexer [/10.0.0.2]");
  }

  @Test
  void aFailingListenerDoesNotSilenceTheOthers() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = open(file);
    pods.addListener(
        new RecordingListener() {
          @Override
          public void podUpserted(PodIdentity pod) {
            throw new IllegalStateException("listener bug");
          }
        });
    RecordingListener healthy = new RecordingListener();
    pods.addListener(healthy);
    healthy.events.clear();

    Files.writeString(file, pod("shop", "web", "10.0.0.2", "Running"));
    poll();

    assertThat(healthy.events).containsExactly("upserted shop/web [/10.0.0.2]");
  }

  @Test
  void closeStopsWatchingTheFile() throws IOException {
    Path file = write(pod("shop", "web", "10.0.0.1", "Running"));
    FilePodDirectory pods = open(file);
    pods.start();
    assertThat(manual.pending()).isOne();

    pods.close();
    Files.writeString(file, pod("shop", "web", "10.0.0.2", "Running"));
    manual.advance(Duration.ofMinutes(1));

    assertThat(manual.pending()).isZero();
    assertThat(found(pods, "10.0.0.1").name()).isEqualTo("web");
    assertThatThrownBy(pods::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void checksTheFileOncePerIntervalHoweverOftenStarted() throws IOException {
    FilePodDirectory pods = open(write(pod("shop", "web", "10.0.0.1", "Running")));

    pods.start();
    pods.start();
    assertThat(manual.pending()).isOne();

    manual.advance(POLL.multipliedBy(5));

    assertThat(manual.pending()).isOne();
  }

  // --- helpers ---

  /** Opens {@code file} with polls driven by hand: see {@link #poll}. */
  private FilePodDirectory open(Path file) {
    FilePodDirectory pods = open(file, Set.of(), POLL, manual);
    pods.start();
    return pods;
  }

  /** Opens and watches {@code file} on a real thread. */
  private FilePodDirectory watch(Path file) {
    FilePodDirectory pods = open(file, Set.of(), FAST_POLL, new ExecutorScheduler(executor));
    pods.start();
    return pods;
  }

  private FilePodDirectory open(
      Path file, Set<InetAddress> nodeAddresses, Duration interval, Scheduler scheduler) {
    FilePodDirectory pods =
        new FilePodDirectory(file, BASE, nodeAddresses, interval, clock, scheduler);
    opened.add(pods);
    return pods;
  }

  /** Lets the hand-driven scheduler check the file, and confirm a change it sees. */
  private void poll() {
    manual.advance(POLL.plus(FilePodDirectory.MAX_SETTLE_DELAY));
  }

  private List<String> errors() {
    return logs.events().stream()
        .filter(e -> e.getLoggerName().equals(FilePodDirectory.class.getName()))
        .filter(e -> e.getLevel() == Level.ERROR)
        .map(e -> e.getFormattedMessage())
        .toList();
  }

  static PodLookup lookup(FilePodDirectory pods, String ip) {
    return pods.findByIp(ip(ip)).toCompletableFuture().join();
  }

  static PodIdentity found(FilePodDirectory pods, String ip) {
    PodLookup lookup = lookup(pods, ip);
    assertThat(lookup).as("lookup of %s", ip).isInstanceOf(PodLookup.Found.class);
    return ((PodLookup.Found) lookup).pod();
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("pods.yaml"), yaml);
  }

  private static Path resource(String name) {
    try {
      return Path.of(FilePodDirectoryTest.class.getResource("/kubernetes/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pod(String namespace, String name, String ip, String phase) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: %s
        status:
          phase: %s
          podIP: %s
        """
        .formatted(name, namespace, phase, ip);
  }

  private static String workerPod(String ip) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: w, namespace: shop}
        spec: {serviceAccountName: worker}
        status: {phase: Running, podIP: %s}
        """
        .formatted(ip);
  }

  private static String namespace(String name, String permitted) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          annotations:
            iam.amazonaws.com/permitted: "%s"
        """
        .formatted(name, permitted);
  }

  private static String serviceAccount(String namespace, String name, String role) {
    return """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: %s
          namespace: %s
          annotations:
            eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/%s
        """
        .formatted(name, namespace, role);
  }

  /** Records what it hears as short sentences, in order. */
  static class RecordingListener implements PodChangeListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void podUpserted(PodIdentity pod) {
      events.add("upserted " + pod.qualifiedName() + " " + pod.ips());
    }

    @Override
    public void podRemoved(PodIdentity pod) {
      events.add("removed " + pod.qualifiedName() + " " + pod.ips());
    }
  }
}
