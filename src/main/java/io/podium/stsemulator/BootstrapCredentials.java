package io.podium.stsemulator;

import java.util.regex.Pattern;

/**
 * The long-term credentials of the emulator's one IAM user, who may call AssumeRole and
 * GetCallerIdentity. {@link #toString()} shows only the access key id.
 *
 * <p>The {@linkplain #devDefaults() development defaults} are documented, fixed values that only
 * this emulator accepts; they are not secrets.
 *
 * @param accessKeyId 16 to 128 upper-case letters and digits, e.g. {@value #DEV_ACCESS_KEY_ID}
 * @param secretAccessKey at least 16 characters without white space
 */
public record BootstrapCredentials(String accessKeyId, String secretAccessKey) {

  /** The development access key id. */
  public static final String DEV_ACCESS_KEY_ID = "AKIAPODIUMEMULATOR01";

  /** The development secret access key: public, emulator-only, 40 characters like AWS's. */
  public static final String DEV_SECRET_ACCESS_KEY = "podiumEmulatorDevSecretKeyNotARealSecret";

  private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Z0-9]{16,128}");
  private static final Pattern SECRET = Pattern.compile("\\S{16,128}");

  public BootstrapCredentials {
    if (accessKeyId == null || !ACCESS_KEY_ID.matcher(accessKeyId).matches()) {
      throw new IllegalArgumentException(
          "the bootstrap access key id must be 16 to 128 upper-case letters and digits, e.g. "
              + DEV_ACCESS_KEY_ID);
    }
    if (secretAccessKey == null || !SECRET.matcher(secretAccessKey).matches()) {
      throw new IllegalArgumentException(
          "the bootstrap secret access key must be 16 to 128 characters without white space");
    }
  }

  /** {@value #DEV_ACCESS_KEY_ID} with {@value #DEV_SECRET_ACCESS_KEY}. */
  public static BootstrapCredentials devDefaults() {
    return new BootstrapCredentials(DEV_ACCESS_KEY_ID, DEV_SECRET_ACCESS_KEY);
  }

  /** True for the documented development credentials. */
  public boolean isDevDefault() {
    return accessKeyId.equals(DEV_ACCESS_KEY_ID) && secretAccessKey.equals(DEV_SECRET_ACCESS_KEY);
  }

  @Override
  public String toString() {
    return "BootstrapCredentials[accessKeyId=" + accessKeyId + "]";
  }
}
