package io.podium.stsemulator;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One STS request as the emulator needs it: the exact bytes and headers for signature checks, and
 * the decoded query-protocol parameters for the actions.
 *
 * @param method the HTTP method, upper case
 * @param rawPath the path as sent, still percent-encoded
 * @param rawQuery the query string as sent (without {@code ?}), empty when there is none
 * @param headers header values by lower-case name, in the order received
 * @param body the request body
 * @param query the decoded query-string parameters, first value of each
 * @param form the decoded form-body parameters, first value of each
 */
record StsRequest(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, List<String>> headers,
    byte[] body,
    Map<String, String> query,
    Map<String, String> form) {

  private static final int MAX_PARAMETERS = 1024;

  /** Decodes the parameters of a request given as its parts; header names in any case. */
  static StsRequest parse(
      String method, String uri, Map<String, List<String>> headers, byte[] body) {
    QueryStringDecoder target =
        QueryStringDecoder.builder()
            .hasPath(true)
            .semicolonIsNormalChar(true)
            .maxParams(MAX_PARAMETERS)
            .build(uri);
    Map<String, List<String>> lowerCaseHeaders = new LinkedHashMap<>();
    headers.forEach(
        (name, values) ->
            lowerCaseHeaders
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
    lowerCaseHeaders.replaceAll((name, values) -> List.copyOf(values));
    Map<String, String> form = Map.of();
    if (body.length > 0 && isForm(lowerCaseHeaders)) {
      form =
          firstValues(
              QueryStringDecoder.builder()
                  .hasPath(false)
                  .semicolonIsNormalChar(true)
                  .maxParams(MAX_PARAMETERS)
                  .build(new String(body, StandardCharsets.UTF_8))
                  .parameters());
    }
    return new StsRequest(
        method,
        target.rawPath(),
        target.rawQuery(),
        Map.copyOf(lowerCaseHeaders),
        body,
        firstValues(target.parameters()),
        form);
  }

  /** A parameter from the form body, else from the query string. */
  Optional<String> parameter(String name) {
    String value = form.get(name);
    return Optional.ofNullable(value != null ? value : query.get(name));
  }

  /** Every parameter, form body first, for the actions. */
  Map<String, String> parameters() {
    Map<String, String> all = new LinkedHashMap<>(query);
    all.putAll(form);
    return all;
  }

  /** The first value of a header, by name in any case. */
  Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Every value of a header, by lower-case name. */
  List<String> headerValues(String lowerCaseName) {
    return headers.getOrDefault(lowerCaseName, List.of());
  }

  private static boolean isForm(Map<String, List<String>> headers) {
    List<String> contentType = headers.get("content-type");
    return contentType == null
        || contentType.isEmpty()
        || contentType
            .get(0)
            .toLowerCase(Locale.ROOT)
            .startsWith("application/x-www-form-urlencoded");
  }

  private static Map<String, String> firstValues(Map<String, List<String>> parameters) {
    Map<String, String> first = new LinkedHashMap<>();
    parameters.forEach(
        (name, values) -> {
          if (!values.isEmpty()) {
            first.put(name, values.get(0));
          }
        });
    return first;
  }
}
