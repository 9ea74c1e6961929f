package io.podium.oidc;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publishing pass: reads the signing keys, keeps retired ones for their grace period, writes
 * the issuer's documents to S3 where they changed, makes them publicly readable, and sets up the
 * IAM OIDC provider. {@code podium oidc publish} runs one pass; {@code podium oidc sync} runs one
 * every interval.
 */
public final class OidcPublisher {

  private static final Logger log = LoggerFactory.getLogger(OidcPublisher.class);

  /**
   * What to publish.
   *
   * @param issuer the issuer
   * @param jwksUri where the JWKS goes (on the issuer's host)
   * @param audiences the OIDC provider's client ids
   * @param prune remove the provider's other audiences
   * @param grace how long a retired key stays published
   * @param manageProvider whether to create or update the IAM OIDC provider
   */
  public record Settings(
      IssuerUrl issuer,
      URI jwksUri,
      List<String> audiences,
      boolean prune,
      Duration grace,
      boolean manageProvider) {
    public Settings {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(jwksUri, "jwksUri");
      audiences = List.copyOf(audiences);
      if (manageProvider && audiences.isEmpty()) {
        throw new IllegalArgumentException("give at least one audience");
      }
    }
  }

  /**
   * What a pass did.
   *
   * @param current kids the cluster signs with now
   * @param retired kids still published after retirement
   * @param dropped kids whose grace period ended now
   * @param documentsChanged whether a published document was rewritten
   * @param policy what became of the bucket policy
   * @param provider what became of the IAM OIDC provider, when managed
   */
  public record Pass(
      List<String> current,
      List<String> retired,
      List<String> dropped,
      boolean documentsChanged,
      PolicyOutcome policy,
      Optional<IamOidcProvider.Outcome> provider) {}

  private final KeySource source;
  private final S3IssuerStore store;
  private final Optional<IamOidcProvider> iam;
  private final Settings settings;
  private final KeyRetention retention;
  private final S3IssuerStore.Layout layout;
  private final Clock clock;

  public OidcPublisher(
      KeySource source,
      S3IssuerStore store,
      Optional<IamOidcProvider> iam,
      Settings settings,
      Clock clock) {
    this.source = source;
    this.store = store;
    this.iam = iam;
    this.settings = settings;
    this.retention = new KeyRetention(settings.grace());
    this.layout = S3IssuerStore.Layout.of(settings.issuer(), settings.jwksUri());
    this.clock = clock;
    if (settings.manageProvider() && iam.isEmpty()) {
      throw new IllegalArgumentException("managing the provider needs an IAM client");
    }
  }

  /**
   * Runs one pass.
   *
   * @throws KeySourceException when the keys cannot be read (nothing is published then)
   * @throws PublishException when S3 or IAM refuse
   */
  public Pass publishOnce() {
    KeySource.Keys keys = source.read();
    if (keys.keys().isEmpty()) {
      throw new KeySourceException(
          source.describe() + " gave no signing keys; an empty JWKS is never published", null);
    }
    IssuerChecks.warnIfTokensDisagree(settings.issuer(), keys.clusterIssuer());
    Instant now = clock.instant();
    KeyRetention.Result kept = retention.apply(keys.keys(), store.previousKeys(layout, now), now);
    for (String kid : kept.dropped()) {
      log.info("Key {} retired more than {} ago: no longer published", kid, settings.grace());
    }
    IssuerDocuments documents =
        new IssuerDocuments(settings.issuer(), settings.jwksUri(), kept.published());
    boolean changed = store.write(layout, documents, kept.state());
    PolicyOutcome policy = store.ensurePublicRead(layout);
    Optional<IamOidcProvider.Outcome> provider =
        settings.manageProvider()
            ? Optional.of(
                iam.orElseThrow().ensure(settings.issuer(), settings.audiences(), settings.prune()))
            : Optional.empty();
    List<String> current = keys.keys().stream().map(key -> key.getKeyID()).toList();
    log.info(
        "Issuer {}: keys {} current, {} retired; documents {}",
        settings.issuer(),
        current,
        kept.retired(),
        changed ? "rewritten" : "unchanged");
    return new Pass(current, kept.retired(), kept.dropped(), changed, policy, provider);
  }
}
