package io.podium.stsemulator;

import io.podium.core.role.MalformedRoleException;
import io.podium.core.role.RoleArn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the emulator's roles file, YAML or JSON (by the {@code .json} extension), either a list of
 * roles or an object with a {@code roles} list:
 *
 * <pre>
 * roles:
 *   - arn: arn:aws:iam::123456789012:role/reader
 *     maxSessionDuration: 43200        # seconds, 3600..43200, default 3600
 *     externalId: shared-secret        # optional: AssumeRole must pass exactly this
 *     trustedPrincipals:               # optional: only these callers may assume the role
 *       - arn:aws:iam::123456789012:user/podium-emulator
 *     conditions:                      # optional: a trust policy's Condition block, checked for
 *       StringEquals:                  # AssumeRoleWithWebIdentity (StringEquals, StringLike)
 *         oidc.example.com/cluster:aud: sts.amazonaws.com
 *       StringLike:
 *         oidc.example.com/cluster:sub: system:serviceaccount:team-a:*
 * </pre>
 *
 * Every problem is reported with the file, the role's position and what to fix.
 */
public final class RolesFile {

  private static final Set<String> FIELDS =
      Set.of("arn", "maxSessionDuration", "externalId", "trustedPrincipals", "conditions");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

  private RolesFile() {}

  /**
   * Loads and checks the roles in {@code file}.
   *
   * @throws InvalidRolesFileException naming the file and the problem
   */
  public static List<RoleDefinition> load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException | RuntimeException e) {
      throw new InvalidRolesFileException(file, "cannot be read (" + describe(e) + ")", e);
    }
    JsonNode root = parse(file, text);
    JsonNode list = root.isObject() && root.has("roles") ? root.get("roles") : root;
    if (!list.isArray()) {
      throw new InvalidRolesFileException(
          file, "expected a list of roles, or an object with a 'roles' list");
    }
    if (list.isEmpty()) {
      throw new InvalidRolesFileException(
          file, "lists no roles (leave out --roles-file to allow any role)");
    }
    List<RoleDefinition> roles = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      RoleDefinition role = role(file, i + 1, list.get(i));
      if (!seen.add(role.arn().toString())) {
        throw new InvalidRolesFileException(
            file, "role #" + (i + 1) + ": " + role.arn() + " is listed twice");
      }
      roles.add(role);
    }
    return List.copyOf(roles);
  }

  private static JsonNode parse(Path file, String text) {
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    ObjectMapper mapper = json ? new JsonMapper() : new YAMLMapper();
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JacksonException e) {
      throw new InvalidRolesFileException(
          file, "is not valid " + (json ? "JSON" : "YAML") + ": " + describe(e), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InvalidRolesFileException(file, "is empty; it must list the roles");
    }
    return root;
  }

  private static RoleDefinition role(Path file, int position, JsonNode node) {
    String where = "role #" + position;
    if (!node.isObject()) {
      throw new InvalidRolesFileException(
          file, where + ": expected an object with at least 'arn', got " + node.getNodeType());
    }
    for (String field : node.propertyNames()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidRolesFileException(
            file,
            where + ": unknown field '" + field + "' (known: " + String.join(", ", FIELDS) + ")");
      }
    }
    JsonNode arnNode = node.get("arn");
    if (arnNode == null || !arnNode.isString()) {
      throw new InvalidRolesFileException(file, where + ": 'arn' is missing or not a string");
    }
    RoleArn arn;
    try {
      arn = RoleArn.parse(arnNode.stringValue());
    } catch (MalformedRoleException e) {
      throw new InvalidRolesFileException(file, where + ": 'arn' is invalid: " + e.getMessage());
    }
    where = where + " (" + arn + ")";
    return new RoleDefinition(
        arn,
        maxSessionDuration(file, where, node.get("maxSessionDuration")),
        externalId(file, where, node.get("externalId")),
        trustedPrincipals(file, where, node.get("trustedPrincipals")),
        conditions(file, where, node.get("conditions")));
  }

  private static TrustConditions conditions(Path file, String where, JsonNode node) {
    if (node == null) {
      return TrustConditions.NONE;
    }
    String shape =
        ": 'conditions' must map an operator (StringEquals, StringLike) to condition keys such as"
            + " oidc.example.com/cluster:sub, each with a string or a list of strings";
    if (!node.isObject()) {
      throw new InvalidRolesFileException(file, where + shape);
    }
    Map<String, Map<String, List<String>>> byOperator = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> operator : node.properties()) {
      if (!TrustConditions.OPERATORS.contains(operator.getKey())) {
        throw new InvalidRolesFileException(
            file,
            where
                + ": condition operator '"
                + operator.getKey()
                + "' is not supported (known: StringEquals, StringLike)");
      }
      if (!operator.getValue().isObject()) {
        throw new InvalidRolesFileException(file, where + shape);
      }
      Map<String, List<String>> keys = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> key : operator.getValue().properties()) {
        if (!key.getKey().matches("[^:\\s]+:(sub|aud)")) {
          throw new InvalidRolesFileException(
              file,
              where
                  + ": condition key '"
                  + key.getKey()
                  + "' is not an OIDC provider's key; write ISSUER_WITHOUT_HTTPS:sub or :aud");
        }
        List<String> values = new ArrayList<>();
        JsonNode value = key.getValue();
        if (value.isString()) {
          values.add(value.stringValue());
        } else if (value.isArray() && !value.isEmpty()) {
          for (JsonNode item : value) {
            if (!item.isString()) {
              throw new InvalidRolesFileException(file, where + shape);
            }
            values.add(item.stringValue());
          }
        } else {
          throw new InvalidRolesFileException(file, where + shape);
        }
        keys.put(key.getKey(), values);
      }
      byOperator.put(operator.getKey(), keys);
    }
    return new TrustConditions(byOperator);
  }

  private static Duration maxSessionDuration(Path file, String where, JsonNode node) {
    if (node == null) {
      return RoleDefinition.DEFAULT_MAX_SESSION_DURATION;
    }
    long shortest = RoleDefinition.SHORTEST_MAX_SESSION_DURATION.toSeconds();
    long longest = RoleDefinition.LONGEST_MAX_SESSION_DURATION.toSeconds();
    if (!node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < shortest
        || node.longValue() > longest) {
      throw new InvalidRolesFileException(
          file,
          where
              + ": 'maxSessionDuration' must be a whole number of seconds from "
              + shortest
              + " to "
              + longest
              + ", got "
              + node);
    }
    return Duration.ofSeconds(node.longValue());
  }

  private static Optional<String> externalId(Path file, String where, JsonNode node) {
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isString() || !EXTERNAL_ID.matcher(node.stringValue()).matches()) {
      throw new InvalidRolesFileException(
          file,
          where
              + ": 'externalId' must be a string of 2 to 1224 letters, digits and the characters"
              + " +=,.@:/-");
    }
    return Optional.of(node.stringValue());
  }

  private static Optional<Set<String>> trustedPrincipals(Path file, String where, JsonNode node) {
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isArray()) {
      throw new InvalidRolesFileException(
          file, where + ": 'trustedPrincipals' must be a list of principal ARNs");
    }
    Set<String> principals = new LinkedHashSet<>();
    for (JsonNode principal : node) {
      if (!principal.isString() || !principal.stringValue().startsWith("arn:")) {
        throw new InvalidRolesFileException(
            file,
            where
                + ": 'trustedPrincipals' entries must be ARNs such as"
                + " arn:aws:iam::123456789012:user/podium-emulator, got "
                + principal);
      }
      principals.add(principal.stringValue());
    }
    return Optional.of(principals);
  }

  private static String describe(Exception e) {
    if (e instanceof JacksonException jackson) {
      TokenStreamLocation location = jackson.getLocation();
      String message = firstLine(jackson.getOriginalMessage());
      return location == null || location.getLineNr() < 0
          ? message
          : message + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unreadable content";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
