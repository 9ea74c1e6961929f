package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.podium.core.session.WeakInterner;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The item store of an informer that must not keep whole objects: for each object only what the
 * informer itself needs — its key, uid and resourceVersion — so that it can tell updates from
 * repeats and, on a re-list, which objects disappeared. What Podium needs of an object is projected
 * from the full object in the event handler and kept by {@link ClusterView}.
 *
 * <p>{@link #get} and {@link #values} hand out stubs that carry nothing but that metadata: the old
 * object of an update and the object of a delete found by a re-list are such stubs.
 *
 * <p>A server's pod store holds every pod of the cluster, so an entry is kept small: fabric8 names
 * objects by a {@code namespace/name} string, but the store keeps the object's own name (the
 * instance the view's projection keeps too) with one shared instance of its namespace, and a
 * resourceVersion that is a plain number as a {@code long}.
 *
 * @param <T> the kind of object, made empty by the factory
 */
final class MetadataOnlyStore<T extends HasMetadata> implements ItemStore<T> {

  /** An object's namespace ({@code null} when cluster-scoped) and name. */
  private record ObjectKey(String namespace, String name) {

    /** Splits fabric8's key: neither a namespace nor a name can contain a slash. */
    static ObjectKey parse(String key) {
      int slash = key.indexOf('/');
      return slash < 0
          ? new ObjectKey(null, key)
          : new ObjectKey(key.substring(0, slash), key.substring(slash + 1));
    }

    String text() {
      return key(namespace, name);
    }
  }

  /**
   * What the informer needs of a stored object besides its key.
   *
   * @param version the resourceVersion when it is a canonical decimal number (etcd's revisions
   *     are), else -1
   * @param versionText the resourceVersion when it is not such a number, else {@code null}: the
   *     value is opaque to clients and handed back exactly as received
   */
  private record Entry(String uid, long version, String versionText) {

    static Entry of(ObjectMeta metadata) {
      String resourceVersion = metadata.getResourceVersion();
      long version = canonicalNumber(resourceVersion);
      return new Entry(metadata.getUid(), version, version < 0 ? resourceVersion : null);
    }

    String resourceVersion() {
      return version < 0 ? versionText : Long.toString(version);
    }
  }

  private final Supplier<T> factory;
  private final ConcurrentHashMap<ObjectKey, Entry> entries = new ConcurrentHashMap<>();
  private final WeakInterner<String> namespaces = new WeakInterner<>();

  /**
   * @param factory makes an empty object of the kind, e.g. {@code Pod::new}
   */
  MetadataOnlyStore(Supplier<T> factory) {
    this.factory = factory;
  }

  @Override
  public String getKey(T object) {
    return key(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  @Override
  public T put(String key, T object) {
    ObjectMeta metadata = object.getMetadata();
    ObjectKey parsed = ObjectKey.parse(key);
    // The object's own name when it matches the key (always, from an informer): the view keeps
    // that instance too.
    String name = parsed.name().equals(metadata.getName()) ? metadata.getName() : parsed.name();
    ObjectKey stored = new ObjectKey(namespaces.intern(parsed.namespace()), name);
    return stub(stored, entries.put(stored, Entry.of(metadata)));
  }

  @Override
  public T remove(String key) {
    ObjectKey parsed = ObjectKey.parse(key);
    return stub(parsed, entries.remove(parsed));
  }

  @Override
  public Stream<String> keySet() {
    return entries.keySet().stream().map(ObjectKey::text);
  }

  @Override
  public Stream<T> values() {
    return entries.entrySet().stream().map(e -> stub(e.getKey(), e.getValue()));
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public T get(String key) {
    ObjectKey parsed = ObjectKey.parse(key);
    return stub(parsed, entries.get(parsed));
  }

  /**
   * Not the objects themselves: fabric8 must hand the first list's objects to the handlers as they
   * arrive, instead of looking them up here once the list is complete (which would yield stubs).
   */
  @Override
  public boolean isFullState() {
    return false;
  }

  /** {@code namespace/name}, or the name alone for cluster-scoped objects, as fabric8 keys them. */
  static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty()
        ? Objects.requireNonNull(name, "name")
        : namespace + "/" + name;
  }

  /**
   * {@code text} as a {@code long} if it is a decimal number written the one way {@link
   * Long#toString} writes it back (no sign, no leading zero), else -1.
   */
  static long canonicalNumber(String text) {
    if (text == null || text.isEmpty() || text.length() > 18) {
      return -1;
    }
    if (text.length() > 1 && text.charAt(0) == '0') {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private T stub(ObjectKey key, Entry entry) {
    if (entry == null) {
      return null;
    }
    T object = factory.get();
    ObjectMeta metadata = new ObjectMeta();
    metadata.setNamespace(key.namespace());
    metadata.setName(key.name());
    metadata.setUid(entry.uid());
    metadata.setResourceVersion(entry.resourceVersion());
    object.setMetadata(metadata);
    return object;
  }
}
