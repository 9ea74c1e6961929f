package io.podium.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.HttpUrl;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * A stand-in Kubernetes API server for clusters too large for fabric8's CRUD mock ({@link
 * KubernetesApiMock}), which ignores {@code limit} and {@code continue}, answers a list with one
 * response of every object, and accepts only a few hundred creates per second. It serves real
 * fabric8 informers (those of {@code InformerPodDirectory}) over HTTP on 127.0.0.1, on fabric8's
 * mock web server with a dispatcher of its own, JSON written by fabric8's {@link
 * KubernetesSerialization}:
 *
 * <ul>
 *   <li>{@code GET /api/v1/pods}, {@code /api/v1/namespaces} and {@code /api/v1/serviceaccounts}
 *       (all namespaces) in pages: {@code limit} objects at most, with a {@code continue} token
 *       while more remain. Each page is built when it is asked for (the next one while the client
 *       reads it), pod {@code i} from {@link Contents#pod}, so a 100,000-pod cluster never exists
 *       at once, as objects or as JSON;
 *   <li>watches of the same three, over WebSocket (fabric8 8.0 opens its watches that way and falls
 *       back to HTTP streaming only when the server refuses the upgrade). They stay open; {@link
 *       #addPods} sends further pods as ADDED events on the pod watch, each as soon as the previous
 *       one was written to the connection (as fast as the client takes them).
 * </ul>
 *
 * <p>Nothing else: no other resources or verbs (404, 405), no field or label selectors (refused
 * with 400, never ignored), no updates, deletions or bookmarks; watch timeouts and the watch's
 * {@code resourceVersion} are ignored. A re-list (after a lost watch) lists the pods added so far
 * too. Pods keep the resourceVersions their function gives them; a list's own resourceVersion is a
 * counter of the pods it holds.
 */
public final class PagingApiServer implements AutoCloseable {

  /**
   * What the server holds.
   *
   * @param pod pod {@code i} (built again each time it is served); called for {@code i} beyond
   *     {@code listedPods} by {@link #addPods}
   * @param listedPods how many pods the first lists hold
   */
  public record Contents(
      List<Namespace> namespaces,
      List<ServiceAccount> serviceAccounts,
      IntFunction<Pod> pod,
      int listedPods) {
    public Contents {
      namespaces = List.copyOf(namespaces);
      serviceAccounts = List.copyOf(serviceAccounts);
    }
  }

  // The mock web server logs every request at INFO through java.util.logging. Held in a field:
  // JUL keeps loggers weakly, and a collected one loses its level.
  private static final java.util.logging.Logger SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private static final long RESOURCE_VERSION_BASE = 1_000_000_000L;
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private final KubernetesMockServer server;
  private final PagingDispatcher dispatcher;
  private final ExecutorService senders =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("paging-api-watch").daemon().factory());

  private PagingApiServer(KubernetesMockServer server, PagingDispatcher dispatcher) {
    this.server = server;
    this.dispatcher = dispatcher;
  }

  /** Starts a server on 127.0.0.1, over plain HTTP. */
  public static PagingApiServer start(Contents contents) {
    PagingDispatcher dispatcher = new PagingDispatcher(contents);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return new PagingApiServer(server, dispatcher);
  }

  /** A client of this server. */
  public NamespacedKubernetesClient client() {
    return server.createClient();
  }

  /** Every request path received so far, in order (query decoded). */
  public List<String> requests() {
    return List.copyOf(dispatcher.requests);
  }

  /** Pod list pages served so far. */
  public int podListPages() {
    return dispatcher.podListPages.get();
  }

  /**
   * {@link System#nanoTime} when the first pod list request arrived, or {@code null} before one.
   */
  public Long firstPodListNanos() {
    long at = dispatcher.firstPodList.get();
    return at == 0 ? null : at;
  }

  /**
   * Nanoseconds this server spent building and serialising list pages, partly while the client read
   * the page before (see {@link #listPageWaitNanos}).
   */
  public long listPageNanos() {
    return dispatcher.pageNanos.get();
  }

  /**
   * Nanoseconds list requests waited for their page to be built: the server's share of a list's
   * time, the rest being the client's (and the connection's).
   */
  public long listPageWaitNanos() {
    return dispatcher.pageWaitNanos.get();
  }

  /** CPU nanoseconds this server spent building and serialising list pages. */
  public long listPageCpuNanos() {
    return dispatcher.pageCpuNanos.get();
  }

  /** CPU nanoseconds this server spent building and serialising watch events. */
  public long watchEventCpuNanos() {
    return dispatcher.eventCpuNanos.get();
  }

  /** Bytes of JSON in the list pages served so far. */
  public long listPageBytes() {
    return dispatcher.pageBytes.get();
  }

  /** Nanoseconds this server spent building and serialising watch events. */
  public long watchEventNanos() {
    return dispatcher.eventNanos.get();
  }

  /**
   * Sends the next {@code count} pods ({@link Contents#pod} of the following indexes) as ADDED
   * events on the first pod watch opened, on a thread of this server, once it is open. Completes
   * when the last was written to the connection; fails if that watch has closed.
   */
  public CompletableFuture<Void> addPods(int count) {
    return dispatcher.podWatch.thenAcceptAsync(
        socket -> {
          for (int n = 0; n < count; n++) {
            long started = System.nanoTime();
            long cpu = CPU.getCurrentThreadCpuTime();
            int index = dispatcher.pods.get();
            String event =
                dispatcher.json.asJson(
                    new WatchEvent(dispatcher.contents.pod().apply(index), "ADDED"));
            dispatcher.eventNanos.addAndGet(System.nanoTime() - started);
            dispatcher.eventCpuNanos.addAndGet(CPU.getCurrentThreadCpuTime() - cpu);
            // The mock web server's send waits, off its event loop, until the frame is written.
            if (!socket.send(event)) {
              throw new IllegalStateException("the pod watch closed after " + n + " added pods");
            }
            dispatcher.pods.incrementAndGet();
          }
        },
        senders);
  }

  @Override
  public void close() {
    senders.shutdownNow();
    dispatcher.builder.shutdownNow();
    // Closing the watches from this side first, as KubernetesApiMock does: the server's shutdown
    // otherwise waits for clients to close their web sockets.
    for (WebSocket socket : dispatcher.watches) {
      socket.close(1000, "shutting down");
    }
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      System.err.println("paging API server did not stop cleanly: " + e.getMessage());
    }
  }

  /** A page of a collection: objects {@code from} to {@code to} of a list of {@code end}. */
  private record PageKey(String path, int from, int to, int end) {}

  /** One listable, watchable collection. */
  private record Collection<T extends HasMetadata>(
      IntSupplier size, IntFunction<T> item, BiFunction<List<T>, ListMeta, Object> list) {

    Object page(int from, int to, ListMeta meta) {
      List<T> items = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        items.add(item.apply(i));
      }
      return list.apply(items, meta);
    }
  }

  /** Answers lists in pages and watches over WebSocket; records paths. */
  private static final class PagingDispatcher extends Dispatcher {
    final Contents contents;
    final KubernetesSerialization json = new KubernetesSerialization();
    final AtomicInteger pods;
    final Map<String, Collection<?>> collections;
    final Queue<String> requests = new ConcurrentLinkedQueue<>();
    final List<WebSocket> watches = new CopyOnWriteArrayList<>();
    final CompletableFuture<WebSocket> podWatch = new CompletableFuture<>();
    final AtomicInteger podListPages = new AtomicInteger();
    final AtomicLong firstPodList = new AtomicLong();
    final AtomicLong pageNanos = new AtomicLong();
    final AtomicLong pageWaitNanos = new AtomicLong();
    final AtomicLong pageCpuNanos = new AtomicLong();
    final AtomicLong eventCpuNanos = new AtomicLong();
    final Map<PageKey, CompletableFuture<byte[]>> prepared = new ConcurrentHashMap<>();
    final ExecutorService builder =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("paging-api-pages").daemon().factory());
    final AtomicLong pageBytes = new AtomicLong();
    final AtomicLong eventNanos = new AtomicLong();

    PagingDispatcher(Contents contents) {
      this.contents = contents;
      this.pods = new AtomicInteger(contents.listedPods());
      this.collections =
          Map.of(
              "/api/v1/pods",
              new Collection<>(
                  pods::get,
                  contents.pod(),
                  (items, meta) -> new PodList("v1", items, "PodList", meta)),
              "/api/v1/namespaces",
              new Collection<>(
                  contents.namespaces()::size,
                  contents.namespaces()::get,
                  (items, meta) -> new NamespaceList("v1", items, "NamespaceList", meta)),
              "/api/v1/serviceaccounts",
              new Collection<>(
                  contents.serviceAccounts()::size,
                  contents.serviceAccounts()::get,
                  (items, meta) ->
                      new ServiceAccountList("v1", items, "ServiceAccountList", meta)));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requests.add(URLDecoder.decode(request.getPath(), StandardCharsets.UTF_8));
      HttpUrl url = new HttpUrl(URI.create(request.getPath()));
      Collection<?> collection = collections.get(url.encodedPath());
      if (collection == null) {
        return status(404, "NotFound", "this stand-in serves only pods, namespaces and accounts");
      }
      if (!"GET".equals(request.getMethod())) {
        return status(405, "MethodNotAllowed", "this stand-in serves only GET");
      }
      if (url.queryParameter("fieldSelector") != null
          || url.queryParameter("labelSelector") != null) {
        return status(400, "BadRequest", "this stand-in does not filter by selectors");
      }
      if ("true".equals(url.queryParameter("watch"))) {
        return new MockResponse().withWebSocketUpgrade(new Watch(url.encodedPath()));
      }
      boolean isPods = url.encodedPath().equals("/api/v1/pods");
      if (isPods) {
        firstPodList.compareAndSet(0, System.nanoTime());
        podListPages.incrementAndGet();
      }
      long started = System.nanoTime();
      MockResponse response = page(url.encodedPath(), collection, url);
      pageWaitNanos.addAndGet(System.nanoTime() - started);
      return response;
    }

    /**
     * One page from the token's offset (0 without one) to at most {@code limit} objects further,
     * within the end the first page fixed (later additions go to later lists, as on an API server
     * whose continued list is a snapshot).
     */
    private MockResponse page(String path, Collection<?> collection, HttpUrl url) {
      int from = 0;
      int end = collection.size().getAsInt();
      String token = url.queryParameter("continue");
      if (token != null) {
        String[] parts = token.split("/", -1);
        try {
          from = Integer.parseInt(parts[0]);
          end = Integer.parseInt(parts[1]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
          return status(400, "BadRequest", "not a continue token of this server: " + token);
        }
        if (from < 0 || from > end || end > collection.size().getAsInt()) {
          return status(410, "Expired", "the continue token is out of range: " + token);
        }
      }
      int to = end;
      String limit = url.queryParameter("limit");
      if (limit != null) {
        try {
          long asked = Long.parseLong(limit);
          if (asked > 0) {
            to = (int) Math.min(end, from + asked);
          }
        } catch (NumberFormatException e) {
          return status(400, "BadRequest", "limit is not a number: " + limit);
        }
      }
      PageKey key = new PageKey(path, from, to, end);
      CompletableFuture<byte[]> ready = prepared.remove(key);
      byte[] body = ready == null ? body(collection, key) : ready.join();
      if (to < end) {
        // The next page is built while the client reads this one, as an API server on another
        // machine would; at most one page ahead, and only the one the token asks for.
        PageKey next = new PageKey(path, to, Math.min(end, to + (to - from)), end);
        prepared.put(next, CompletableFuture.supplyAsync(() -> body(collection, next), builder));
      }
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "application/json")
          .setBody(body);
    }

    private byte[] body(Collection<?> collection, PageKey page) {
      long started = System.nanoTime();
      long cpu = CPU.getCurrentThreadCpuTime();
      ListMetaBuilder meta =
          new ListMetaBuilder()
              .withResourceVersion(Long.toString(RESOURCE_VERSION_BASE + page.end()));
      if (page.to() < page.end()) {
        meta.withContinue(page.to() + "/" + page.end())
            .withRemainingItemCount((long) (page.end() - page.to()));
      }
      byte[] body =
          json.asJson(collection.page(page.from(), page.to(), meta.build()))
              .getBytes(StandardCharsets.UTF_8);
      pageBytes.addAndGet(body.length);
      pageNanos.addAndGet(System.nanoTime() - started);
      pageCpuNanos.addAndGet(CPU.getCurrentThreadCpuTime() - cpu);
      return body;
    }

    private MockResponse status(int code, String reason, String message) {
      Status status =
          new StatusBuilder()
              .withStatus("Failure")
              .withCode(code)
              .withReason(reason)
              .withMessage(message)
              .build();
      return new MockResponse()
          .setResponseCode(code)
          .setHeader("Content-Type", "application/json")
          .setBody(json.asJson(status));
    }

    /** A watch: kept open; the first pod watch is handed to {@link #addPods}. */
    private final class Watch extends WebSocketListener {
      private final String path;

      Watch(String path) {
        this.path = path;
      }

      @Override
      public void onOpen(WebSocket socket, Response response) {
        watches.add(socket);
        if (path.equals("/api/v1/pods")) {
          podWatch.complete(socket);
        }
      }

      @Override
      public void onClosing(WebSocket socket, int code, String reason) {
        watches.remove(socket);
      }

      @Override
      public void onClosed(WebSocket socket, int code, String reason) {
        watches.remove(socket);
      }

      @Override
      public void onFailure(WebSocket socket, Throwable error, Response response) {
        watches.remove(socket);
      }
    }
  }
}
