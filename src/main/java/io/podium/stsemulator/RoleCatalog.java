package io.podium.stsemulator;

import io.podium.core.role.RoleArn;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Which roles exist: any syntactically valid one, or only those a roles file lists. */
sealed interface RoleCatalog {

  /** The role's settings, or empty when no such role exists. */
  Optional<RoleDefinition> find(RoleArn arn);

  /** Every valid role ARN exists, with IAM's defaults; what the emulator does without a file. */
  record AnyRole() implements RoleCatalog {
    @Override
    public Optional<RoleDefinition> find(RoleArn arn) {
      return Optional.of(RoleDefinition.of(arn.toString()));
    }
  }

  /** Only the listed roles exist. */
  record Listed(Map<String, RoleDefinition> byArn) implements RoleCatalog {
    public Listed {
      byArn = Map.copyOf(byArn);
    }

    static Listed of(List<RoleDefinition> roles) {
      return new Listed(
          roles.stream()
              .collect(
                  Collectors.toMap(
                      role -> role.arn().toString(),
                      Function.identity(),
                      (first, second) -> {
                        throw new IllegalArgumentException(
                            "role " + first.arn() + " is defined twice");
                      })));
    }

    @Override
    public Optional<RoleDefinition> find(RoleArn arn) {
      return Optional.ofNullable(byArn.get(arn.toString()));
    }
  }
}
