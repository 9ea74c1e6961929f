package io.podium.stsemulator;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.ParseException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JWKS file, re-read when its modification time or size changes. A file that cannot be read or
 * parsed leaves the last good keys in place (and is logged once per change).
 */
final class FileJwks implements JwksSource {

  private static final Logger log = LoggerFactory.getLogger(FileJwks.class);

  private final Path file;
  private @Nullable Stamp loaded;
  private @Nullable JWKSet keys;

  FileJwks(Path file) {
    this.file = file;
  }

  private record Stamp(long modifiedMillis, long size) {}

  @Override
  public synchronized Optional<JWKSet> keys() {
    Stamp now;
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      now = new Stamp(attributes.lastModifiedTime().toMillis(), attributes.size());
    } catch (IOException e) {
      if (loaded != null) {
        log.warn("JWKS file {} cannot be read any more: {}", file, e.toString());
        loaded = null;
      }
      return Optional.ofNullable(keys);
    }
    if (!now.equals(loaded)) {
      loaded = now;
      try {
        keys = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8)).toPublicJWKSet();
        log.info("Loaded {} keys from JWKS file {}", keys.size(), file);
      } catch (IOException | ParseException e) {
        log.warn(
            "JWKS file {} is not a JWKS ({}); keeping the keys read before", file, e.getMessage());
      }
    }
    return Optional.ofNullable(keys);
  }

  @Override
  public synchronized void refreshSoon() {
    loaded = null;
  }

  @Override
  public String describe() {
    return "file " + file;
  }
}
