package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
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
 * object of an update and the object of a delete found by a re-list are such stubs. Their namespace
 * and name are read back from the key ({@code namespace/name}), not kept a second time per object.
 *
 * @param <T> the kind of object, made empty by the factory
 */
final class MetadataOnlyStore<T extends HasMetadata> implements ItemStore<T> {

  private record Entry(String uid, String resourceVersion) {}

  private final Supplier<T> factory;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

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
    return stub(key, entries.put(key, new Entry(metadata.getUid(), metadata.getResourceVersion())));
  }

  @Override
  public T remove(String key) {
    return stub(key, entries.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return entries.keySet().stream();
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
    return stub(key, entries.get(key));
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

  private T stub(String key, Entry entry) {
    if (entry == null) {
      return null;
    }
    T object = factory.get();
    ObjectMeta metadata = new ObjectMeta();
    // Neither a namespace nor a name can contain a slash: the key splits at its only one.
    int slash = key.indexOf('/');
    metadata.setNamespace(slash < 0 ? null : key.substring(0, slash));
    metadata.setName(slash < 0 ? key : key.substring(slash + 1));
    metadata.setUid(entry.uid());
    metadata.setResourceVersion(entry.resourceVersion());
    object.setMetadata(metadata);
    return object;
  }
}
