package io.podium.imds;

/**
 * The metadata API's routes, a bounded set fit for a metric label. {@link #of} classifies a path
 * that {@link MetadataPaths#canonical} accepted.
 */
enum Route {
  TOKEN("token"),
  ROLE_LIST("role_list"),
  CREDENTIALS("credentials"),
  CREDENTIALS_EXTENDED("credentials_extended"),
  IAM_INFO("iam_info"),
  IAM_LIST("iam_list"),
  PLACEMENT("placement"),
  PASSTHROUGH("passthrough"),
  /** Malformed requests, and unknown paths in Podium's own {@code iam/} tree. */
  OTHER("other");

  static final String TOKEN_PATH = "/latest/api/token";
  static final String IAM = "/latest/meta-data/iam/";
  static final String CREDENTIALS_PREFIX = IAM + "security-credentials/";
  static final String CREDENTIALS_EXTENDED_PREFIX = IAM + "security-credentials-extended/";
  static final String REGION_PATH = "/latest/meta-data/placement/region";
  static final String ZONE_PATH = "/latest/meta-data/placement/availability-zone";

  private final String label;

  Route(String label) {
    this.label = label;
  }

  /** The metric label. */
  String label() {
    return label;
  }

  /** The HTTP method the route answers. */
  String allowedMethod() {
    return this == TOKEN ? "PUT" : "GET";
  }

  /** The route of a canonical path, or {@link #OTHER} for {@code null}. */
  static Route of(String path) {
    if (path == null) {
      return OTHER;
    }
    if (path.equals(TOKEN_PATH)) {
      return TOKEN;
    }
    if (path.equals("/latest/meta-data/iam") || path.equals(IAM)) {
      return IAM_LIST;
    }
    if (path.startsWith(IAM)) {
      return iamRoute(path);
    }
    if (withoutTrailingSlash(path).equals(REGION_PATH)
        || withoutTrailingSlash(path).equals(ZONE_PATH)) {
      return PLACEMENT;
    }
    return PASSTHROUGH;
  }

  /**
   * The role name a credentials path asks for ({@code …/security-credentials/<name>}, a trailing
   * slash allowed), or {@code null} when the path names none.
   */
  static String requestedRoleName(String path) {
    String prefix =
        path.startsWith(CREDENTIALS_PREFIX)
            ? CREDENTIALS_PREFIX
            : path.startsWith(CREDENTIALS_EXTENDED_PREFIX) ? CREDENTIALS_EXTENDED_PREFIX : null;
    if (prefix == null) {
      return null;
    }
    String name = withoutTrailingSlash(path.substring(prefix.length()));
    return name.isEmpty() || name.indexOf('/') >= 0 ? null : name;
  }

  private static Route iamRoute(String path) {
    String rest = withoutTrailingSlash(path.substring(IAM.length()));
    return switch (rest) {
      case "info" -> IAM_INFO;
      case "security-credentials", "security-credentials-extended" -> ROLE_LIST;
      default -> {
        if (requestedRoleName(path) == null) {
          yield OTHER;
        }
        yield path.startsWith(CREDENTIALS_PREFIX) ? CREDENTIALS : CREDENTIALS_EXTENDED;
      }
    };
  }

  static String withoutTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
