package io.podium.testing;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.CustomResourceDefinitionProcessor;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's Kubernetes mock API server in CRUD mode, made able to test what Podium relies on:
 *
 * <ul>
 *   <li>the {@code spec.nodeName} and {@code status.podIP} field selectors really filter lists and
 *       watches: a {@link NodeAwareAttributesExtractor} replaces the CRUD dispatcher's own, which
 *       only knows {@code metadata.name} and {@code metadata.namespace};
 *   <li>every request path is recorded, so a test can assert what the client asked for;
 *   <li>open pod watches can be severed (their events silently dropped) and then closed with a 410
 *       Gone ERROR event, which the stock mock never sends, to make an informer re-list.
 * </ul>
 */
public final class KubernetesApiMock implements AutoCloseable {

  // The mock logs every request at INFO through java.util.logging; thousands of them drown the
  // build's output. Held in a field: JUL keeps loggers weakly, and a collected one loses its level.
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final ScriptedDispatcher dispatcher;

  private KubernetesApiMock(KubernetesMockServer server, ScriptedDispatcher dispatcher) {
    this.server = server;
    this.dispatcher = dispatcher;
  }

  /** The Events with {@code reason} on the pod {@code namespace/pod}, whoever reported them. */
  public static List<Event> podEvents(
      KubernetesClient client, String namespace, String pod, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(event -> reason.equals(event.getReason()))
        .filter(event -> pod.equals(event.getInvolvedObject().getName()))
        .toList();
  }

  /** Starts a mock API server on 127.0.0.1, over plain HTTP. */
  public static KubernetesApiMock start() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
    NodeAwareAttributesExtractor.installIn(crud);
    ScriptedDispatcher dispatcher = new ScriptedDispatcher(new MockDispatcher(responses), crud);
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return new KubernetesApiMock(server, dispatcher);
  }

  /** A client of the mock (namespace {@code test} by default). */
  public NamespacedKubernetesClient client() {
    return server.createClient();
  }

  /** The mock's base URL, e.g. {@code http://127.0.0.1:34567/}. */
  public String url() {
    return server.url("/");
  }

  /** Writes a kubeconfig file that points at the mock, as a real cluster's would. */
  public Path writeKubeconfig(Path file) throws IOException {
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster:
              server: %s
        users:
          - name: podium
            user:
              token: mock-token
        contexts:
          - name: mock
            context:
              cluster: mock
              user: podium
              namespace: default
        current-context: mock
        """
            .formatted(url().replaceAll("/$", ""));
    Files.writeString(file, kubeconfig);
    return file;
  }

  /** Every request path received so far, in order (decoded query included). */
  public List<String> requests() {
    return List.copyOf(dispatcher.requests);
  }

  /** Paths of watch requests on pods, decoded. */
  public List<String> podWatchRequests() {
    return requests().stream().filter(ScriptedDispatcher::isPodWatch).toList();
  }

  /** Pod watches open right now. */
  public int openPodWatches() {
    return dispatcher.podWatches.size();
  }

  /** From now on, events to the pod watches open now are dropped, as if the connection hung. */
  public void severPodWatches() {
    for (SeverableSocket socket : dispatcher.podWatches) {
      socket.severed = true;
    }
  }

  /**
   * Sends a 410 Gone ERROR event on every pod watch open now and closes it, as an API server whose
   * watch cache no longer holds the client's resourceVersion does.
   */
  public void closePodWatchesWithGone() {
    Status gone =
        new StatusBuilder()
            .withStatus("Failure")
            .withCode(410)
            .withReason("Expired")
            .withMessage("too old resource version")
            .build();
    String event = new KubernetesSerialization().asJson(new WatchEvent(gone, "ERROR"));
    for (SeverableSocket socket : List.copyOf(dispatcher.podWatches)) {
      dispatcher.podWatches.remove(socket);
      socket.delegate.send(event);
      socket.delegate.close(1000, "gone");
    }
  }

  @Override
  public void close() {
    // Closing the watches from this side first: the server's shutdown otherwise waits for clients
    // to close their web sockets, which a stopped informer does not always do promptly.
    for (SeverableSocket socket : dispatcher.watches) {
      socket.delegate.close(1000, "shutting down");
    }
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // Vert.x sometimes waits out its 10 s for a client socket; the test's verdict stands.
      System.err.println("mock API server did not stop cleanly: " + e.getMessage());
    }
  }

  /**
   * The CRUD extractor plus {@code spec.nodeName} and {@code status.podIP} of pods, so that field
   * selectors on them match as on a real API server.
   */
  static final class NodeAwareAttributesExtractor extends KubernetesAttributesExtractor {

    @Override
    public AttributeSet extract(HasMetadata object) {
      AttributeSet attributes = super.extract(object);
      if (!"Pod".equals(object.getKind())) {
        return attributes;
      }
      String nodeName;
      String podIp;
      if (object instanceof Pod pod) {
        nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        podIp = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      } else if (object instanceof GenericKubernetesResource generic) {
        nodeName = generic.get("spec", "nodeName");
        podIp = generic.get("status", "podIP");
      } else {
        return attributes;
      }
      // A real API server matches an unset field as the empty string.
      return attributes.add(
          new Attribute("spec.nodeName", nodeName == null ? "" : nodeName),
          new Attribute("status.podIP", podIp == null ? "" : podIp));
    }

    /** Puts an instance in place of the one {@code crud} built for itself. */
    static void installIn(KubernetesCrudDispatcher crud) {
      NodeAwareAttributesExtractor extractor = new NodeAwareAttributesExtractor();
      try {
        Field processor = KubernetesCrudDispatcher.class.getDeclaredField("crdProcessor");
        processor.setAccessible(true);
        extractor.setCustomResourceDefinitionProcessor(
            (CustomResourceDefinitionProcessor) processor.get(crud));
        // fabric8 8.0.0 offers no constructor for it: the dispatcher, its base class and its POST
        // handler each keep a final reference to the extractor the dispatcher made.
        set(
            io.fabric8.mockwebserver.crud.CrudDispatcher.class,
            crud,
            "attributeExtractor",
            extractor);
        set(KubernetesCrudDispatcher.class, crud, "kubernetesAttributesExtractor", extractor);
        Field postHandlerField = KubernetesCrudDispatcher.class.getDeclaredField("postHandler");
        postHandlerField.setAccessible(true);
        Object postHandler = postHandlerField.get(crud);
        set(postHandler.getClass(), postHandler, "attributeExtractor", extractor);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "fabric8's mock changed shape; update NodeAwareAttributesExtractor.installIn", e);
      }
    }

    private static void set(Class<?> owner, Object target, String name, Object value)
        throws ReflectiveOperationException {
      Field field = owner.getDeclaredField(name);
      field.setAccessible(true);
      field.set(target, value);
    }
  }

  /** CRUD for everything; records paths; keeps a handle on each pod watch's socket. */
  private static final class ScriptedDispatcher extends Dispatcher {
    final MockDispatcher expectations;
    final KubernetesCrudDispatcher crud;
    final Queue<String> requests = new ConcurrentLinkedQueue<>();
    final List<SeverableSocket> podWatches = new CopyOnWriteArrayList<>();
    final List<SeverableSocket> watches = new CopyOnWriteArrayList<>();

    ScriptedDispatcher(MockDispatcher expectations, KubernetesCrudDispatcher crud) {
      this.expectations = expectations;
      this.crud = crud;
    }

    static boolean isPodWatch(String path) {
      return path.startsWith("/api/v1/pods?") && path.contains("watch=true");
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = URLDecoder.decode(request.getPath(), StandardCharsets.UTF_8);
      requests.add(path);
      if (path.equals("/") || path.equals("/version")) {
        return expectations.dispatch(request);
      }
      MockResponse response = crud.dispatch(request);
      if (response.getWebSocketListener() != null) {
        WebSocketListener inner = response.getWebSocketListener();
        response.withWebSocketUpgrade(
            new SeverableListener(inner, isPodWatch(path) ? podWatches : null, watches));
      }
      return response;
    }

    @Override
    public void shutdown() {
      expectations.shutdown();
      crud.shutdown();
    }
  }

  /** Passes a watch's socket events through, handing the CRUD listener a severable socket. */
  private static final class SeverableListener extends WebSocketListener {
    private final WebSocketListener inner;
    private final List<SeverableSocket> podWatches;
    private final List<SeverableSocket> watches;
    private SeverableSocket socket;

    /**
     * @param podWatches where pod watches are listed; {@code null} for other watches
     */
    SeverableListener(
        WebSocketListener inner, List<SeverableSocket> podWatches, List<SeverableSocket> watches) {
      this.inner = inner;
      this.podWatches = podWatches;
      this.watches = watches;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = new SeverableSocket(webSocket);
      watches.add(socket);
      if (podWatches != null) {
        podWatches.add(socket);
      }
      inner.onOpen(socket, response);
    }

    private void forget() {
      watches.remove(socket);
      if (podWatches != null) {
        podWatches.remove(socket);
      }
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      inner.onMessage(socket, text);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      forget();
      inner.onClosing(socket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      forget();
      inner.onClosed(socket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      forget();
      inner.onFailure(socket, error, response);
    }
  }

  /** A watch socket whose outgoing events can be dropped. */
  private static final class SeverableSocket implements WebSocket {
    final WebSocket delegate;
    volatile boolean severed;

    SeverableSocket(WebSocket delegate) {
      this.delegate = delegate;
    }

    @Override
    public RecordedRequest request() {
      return delegate.request();
    }

    @Override
    public boolean send(String text) {
      return severed || delegate.send(text);
    }

    @Override
    public boolean send(byte[] bytes) {
      return severed || delegate.send(bytes);
    }

    @Override
    public boolean close(int code, String reason) {
      return delegate.close(code, reason);
    }
  }
}
