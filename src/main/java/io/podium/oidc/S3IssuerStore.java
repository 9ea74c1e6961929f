package io.podium.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The issuer's documents in an S3 bucket: the discovery document and the JWKS as objects at the
 * paths of their URLs ({@code Content-Type: application/json}), a bucket-policy statement that
 * makes exactly those two objects publicly readable, and the key state of {@link KeyRetention} in a
 * third, private object. Objects are written only when their bytes change.
 */
public final class S3IssuerStore {

  private static final Logger log = LoggerFactory.getLogger(S3IssuerStore.class);

  /** Short enough that a rotated key reaches IAM soon, long enough to spare the bucket. */
  static final String CACHE_CONTROL = "public, max-age=300";

  static final String STATE_NAME = "podium/oidc-key-state.json";

  /** What to do about the bucket policy. */
  public enum PolicyMode {
    /** Merge the statement into the bucket's policy; print the policy when that is denied. */
    MERGE,
    /** Only print the merged policy, for someone else to apply. */
    PRINT,
    /** Leave the policy alone (e.g. the bucket is read through CloudFront). */
    NONE
  }

  /**
   * Where the documents go.
   *
   * @param bucket the bucket behind the issuer's host
   * @param partition the AWS partition of the bucket's ARN ({@code aws}, {@code aws-cn}, …)
   * @param policyMode what to do about the bucket policy
   */
  public record Settings(String bucket, String partition, PolicyMode policyMode) {
    public Settings {
      Objects.requireNonNull(bucket, "bucket");
      Objects.requireNonNull(partition, "partition");
      Objects.requireNonNull(policyMode, "policyMode");
      if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException(
            "'" + bucket + "' is not an S3 bucket name (3 to 63 of a-z 0-9 . -)");
      }
    }
  }

  /** The object keys of one issuer's documents. */
  public record Layout(String discoveryKey, String jwksKey, String stateKey, String prefix) {

    /**
     * Keys at the paths of the issuer's URLs: {@code https://HOST/PATH} puts the discovery document
     * at {@code PATH/.well-known/openid-configuration} and the JWKS at the path of its {@code
     * jwks_uri}, which must be on the issuer's host (the same bucket).
     *
     * @throws IllegalArgumentException when the JWKS URI is elsewhere
     */
    public static Layout of(IssuerUrl issuer, URI jwksUri) {
      if (!Objects.equals(jwksUri.getHost(), issuer.uri().getHost())
          || !"https".equals(jwksUri.getScheme())) {
        throw new IllegalArgumentException(
            "the JWKS URI "
                + jwksUri
                + " is not on the issuer's host "
                + issuer.uri().getHost()
                + ": publish to S3 needs both documents behind one host (one bucket)");
      }
      String prefix = key(issuer.resolve("/").getPath());
      return new Layout(
          key(issuer.discoveryUri().getPath()),
          key(jwksUri.getPath()),
          prefix + STATE_NAME,
          prefix);
    }

    private static String key(String path) {
      return path.startsWith("/") ? path.substring(1) : path;
    }
  }

  private final S3Client s3;
  private final Settings settings;

  public S3IssuerStore(S3Client s3, Settings settings) {
    this.s3 = s3;
    this.settings = settings;
  }

  /** The key state a previous pass left, or the keys of a JWKS published before any state. */
  public List<KeyRetention.SeenKey> previousKeys(Layout layout, Instant now) {
    Optional<byte[]> state = get(layout.stateKey());
    if (state.isPresent()) {
      try {
        return KeyRetention.fromJson(state.get());
      } catch (IllegalArgumentException e) {
        log.warn(
            "s3://{}/{} is unreadable ({}); starting from the published JWKS",
            settings.bucket(),
            layout.stateKey(),
            e.getMessage());
      }
    }
    Optional<byte[]> published = get(layout.jwksKey());
    if (published.isEmpty()) {
      return List.of();
    }
    try {
      JWKSet set = JWKSet.parse(new String(published.get(), StandardCharsets.UTF_8));
      return KeyRetention.seenNow(set.getKeys(), now);
    } catch (ParseException e) {
      log.warn(
          "s3://{}/{} is not a JWKS ({}); it will be replaced",
          settings.bucket(),
          layout.jwksKey(),
          e.getMessage());
      return List.of();
    }
  }

  /**
   * Writes what changed.
   *
   * @return whether the discovery document or the JWKS changed
   */
  public boolean write(Layout layout, IssuerDocuments documents, List<KeyRetention.SeenKey> state) {
    boolean discovery = putIfChanged(layout.discoveryKey(), documents.discoveryJson());
    boolean jwks = putIfChanged(layout.jwksKey(), documents.jwksJson());
    putIfChanged(layout.stateKey(), KeyRetention.toJson(state));
    return discovery || jwks;
  }

  /** Makes the two documents publicly readable through the bucket policy, as the mode says. */
  public PolicyOutcome ensurePublicRead(Layout layout) {
    if (settings.policyMode() == PolicyMode.NONE) {
      return new PolicyOutcome.Skipped();
    }
    var statement =
        BucketPolicy.statement(
            settings.partition(),
            settings.bucket(),
            layout.prefix(),
            List.of(layout.discoveryKey(), layout.jwksKey()));
    Optional<String> existing;
    try {
      existing = currentPolicy();
    } catch (S3Exception e) {
      if (!denied(e)) {
        throw failure("GetBucketPolicy", e);
      }
      return new PolicyOutcome.NeedsSomeoneElse(
          BucketPolicy.alone(statement),
          "may not read the bucket policy of "
              + settings.bucket()
              + " (s3:GetBucketPolicy denied): merge this statement into it");
    }
    BucketPolicy.Merge merge = BucketPolicy.merge(existing, statement);
    if (!merge.changed()) {
      return new PolicyOutcome.AlreadyInPlace();
    }
    if (settings.policyMode() == PolicyMode.PRINT) {
      return new PolicyOutcome.NeedsSomeoneElse(
          merge.policy(), "--bucket-policy print: apply this policy to " + settings.bucket());
    }
    try {
      s3.putBucketPolicy(r -> r.bucket(settings.bucket()).policy(merge.policy()));
      return new PolicyOutcome.Applied(merge.policy());
    } catch (S3Exception e) {
      if (!denied(e)) {
        throw failure("PutBucketPolicy", e);
      }
      return new PolicyOutcome.NeedsSomeoneElse(merge.policy(), whyPutWasDenied());
    }
  }

  private String whyPutWasDenied() {
    String reason =
        "may not change the bucket policy of "
            + settings.bucket()
            + " (s3:PutBucketPolicy denied): someone who may should apply this policy";
    try {
      PublicAccessBlockConfiguration block =
          s3.getPublicAccessBlock(r -> r.bucket(settings.bucket()))
              .publicAccessBlockConfiguration();
      if (Boolean.TRUE.equals(block.blockPublicPolicy())
          || Boolean.TRUE.equals(block.restrictPublicBuckets())) {
        reason +=
            "; the bucket's Block Public Access settings refuse public policies: turn off"
                + " BlockPublicPolicy and RestrictPublicBuckets for this bucket (BlockPublicAcls"
                + " and IgnorePublicAcls can stay on; no ACL is used)";
      }
    } catch (S3Exception e) {
      // Only a hint: without s3:GetBucketPublicAccessBlock the reason stays as it is.
    }
    return reason;
  }

  private Optional<String> currentPolicy() {
    try {
      return Optional.of(s3.getBucketPolicy(r -> r.bucket(settings.bucket())).policy());
    } catch (S3Exception e) {
      if ("NoSuchBucketPolicy".equals(code(e))) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private boolean putIfChanged(String key, byte[] body) {
    Optional<byte[]> current;
    try {
      current = get(key);
    } catch (PublishException e) {
      // Without s3:GetObject (or s3:ListBucket, for a missing object) S3 answers 403: write anyway.
      current = Optional.empty();
    }
    if (current.isPresent() && Arrays.equals(current.get(), body)) {
      return false;
    }
    try {
      s3.putObject(
          r ->
              r.bucket(settings.bucket())
                  .key(key)
                  .contentType("application/json")
                  .cacheControl(CACHE_CONTROL),
          RequestBody.fromBytes(body));
    } catch (S3Exception e) {
      throw failure("PutObject s3://" + settings.bucket() + "/" + key, e);
    }
    log.info("Wrote s3://{}/{} ({} bytes)", settings.bucket(), key, body.length);
    return true;
  }

  private Optional<byte[]> get(String key) {
    try {
      ResponseBytes<GetObjectResponse> object =
          s3.getObjectAsBytes(r -> r.bucket(settings.bucket()).key(key));
      return Optional.of(object.asByteArray());
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("GetObject s3://" + settings.bucket() + "/" + key, e);
    }
  }

  private static boolean denied(S3Exception e) {
    return e.statusCode() == 403 || "AccessDenied".equals(code(e));
  }

  private static @Nullable String code(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static PublishException failure(String call, S3Exception e) {
    return new PublishException(
        call
            + " failed: "
            + e.statusCode()
            + " "
            + Objects.requireNonNullElse(code(e), "")
            + " "
            + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()),
        e);
  }
}
