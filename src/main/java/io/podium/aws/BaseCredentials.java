package io.podium.aws;

import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The base credentials provider handed to the issuer, marking every failure to load them as a
 * {@link BaseCredentialsException}. The SDK lets exceptions from a provider through unwrapped, also
 * through {@code StsAssumeRoleCredentialsProvider}, so the mark survives role chaining.
 */
final class BaseCredentials implements AwsCredentialsProvider {

  private final AwsCredentialsProvider delegate;

  BaseCredentials(AwsCredentialsProvider delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public AwsCredentials resolveCredentials() {
    AwsCredentials credentials;
    try {
      credentials = delegate.resolveCredentials();
    } catch (RuntimeException e) {
      throw new BaseCredentialsException(e);
    }
    if (credentials == null) {
      throw new BaseCredentialsException(
          new IllegalStateException(delegate.getClass().getName() + " returned no credentials"));
    }
    return credentials;
  }

  @Override
  public String toString() {
    return "BaseCredentials[" + delegate + "]";
  }
}
