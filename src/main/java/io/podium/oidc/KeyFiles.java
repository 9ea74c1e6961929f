package io.podium.oidc;

import com.nimbusds.jose.jwk.JWK;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keys from PEM files, the same files the API server reads ({@code
 * --service-account-signing-key-file}'s key, or each {@code --service-account-key-file}): during a
 * rotation, the current key and the previous one. Re-read on every call, so that a sync sees a file
 * replaced by a rotation.
 */
public final class KeyFiles implements KeySource {

  private final List<Path> files;

  public KeyFiles(List<Path> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("give at least one key file");
    }
    this.files = List.copyOf(files);
  }

  @Override
  public Keys read() {
    Map<String, JWK> byKid = new LinkedHashMap<>();
    for (Path file : files) {
      try {
        SigningKeys.read(file).forEach(key -> byKid.putIfAbsent(key.getKeyID(), key));
      } catch (InvalidKeyFileException e) {
        throw new KeySourceException(e.getMessage(), e);
      }
    }
    return new Keys(new ArrayList<>(byKid.values()), Optional.empty());
  }

  @Override
  public String describe() {
    return "key files " + files;
  }
}
