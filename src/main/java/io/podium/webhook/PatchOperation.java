package io.podium.webhook;

import java.util.Objects;

/**
 * One JSON Patch (RFC 6902) operation of an admission response. Podium only ever adds: a value at a
 * member that does not exist yet, or an element appended to an array ({@code -}) or inserted before
 * an index.
 *
 * @param value a fabric8 model object (EnvVar, VolumeMount, Volume) or a list of them, serialized
 *     by fabric8's own serialization as the API server expects it
 */
public record PatchOperation(String op, String path, Object value) {

  public PatchOperation {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(path, "path");
  }

  static PatchOperation add(String path, Object value) {
    return new PatchOperation("add", path, value);
  }
}
