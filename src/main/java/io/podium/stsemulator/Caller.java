package io.podium.stsemulator;

import java.util.Set;

/** Who signed a request: the emulator's bootstrap user or a session it issued. */
sealed interface Caller {

  /** The caller's ARN, as GetCallerIdentity reports it. */
  String arn();

  /** The caller's UserId, as GetCallerIdentity reports it. */
  String userId();

  /** The caller's account. */
  String account();

  /** The ARNs a trust policy could name to admit this caller. */
  Set<String> principalArns();

  /** The emulator's IAM user, signing with the bootstrap credentials. */
  record User(String arn, String account) implements Caller {
    @Override
    public String userId() {
      return StsIds.userId(arn);
    }

    @Override
    public Set<String> principalArns() {
      return Set.of(arn);
    }
  }

  /** A session the emulator issued, signing with its temporary credentials. */
  record Session(IssuedSession session) implements Caller {
    @Override
    public String arn() {
      return session.assumedRoleArn();
    }

    @Override
    public String userId() {
      return session.assumedRoleId();
    }

    @Override
    public String account() {
      return session.role().accountId();
    }

    /** The session's own ARN and its role's ARN, which a trust policy names for all sessions. */
    @Override
    public Set<String> principalArns() {
      return Set.of(session.assumedRoleArn(), session.role().toString());
    }
  }
}
