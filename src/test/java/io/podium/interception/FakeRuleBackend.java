package io.podium.interception;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RuleBackend} in memory: what is "installed" per family, its packet counter, and knobs to
 * break it the ways a node does (someone flushes the chain, edits it, or the write fails).
 */
final class FakeRuleBackend implements RuleBackend {

  private final Map<IpFamily, RuleSpec> installed = new EnumMap<>(IpFamily.class);
  private final Map<IpFamily, Long> packets = new EnumMap<>(IpFamily.class);
  private String tampered;
  private String failWrites;
  private boolean readsBackDifferently;
  private int writes;
  private int removals;

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public synchronized Observed inspect(RuleSpec wanted) {
    RuleSpec current = installed.get(wanted.family());
    if (current == null) {
      return new Observed.Absent();
    }
    if (tampered != null) {
      return new Observed.Different(tampered);
    }
    if (readsBackDifferently || !current.equals(wanted)) {
      return new Observed.Different("not the wanted rules");
    }
    return new Observed.InPlace(packets.getOrDefault(wanted.family(), 0L));
  }

  @Override
  public synchronized void install(RuleSpec wanted) {
    if (failWrites != null) {
      throw new InterceptionException(failWrites);
    }
    writes++;
    tampered = null;
    packets.put(wanted.family(), 0L);
    installed.put(wanted.family(), wanted);
  }

  @Override
  public synchronized boolean remove(IpFamily family) {
    removals++;
    return installed.remove(family) != null;
  }

  @Override
  public List<String> render(RuleSpec wanted) {
    return List.of("rule for " + wanted.describe());
  }

  synchronized boolean holds(IpFamily family) {
    return installed.containsKey(family);
  }

  synchronized void flushedBySomeoneElse(IpFamily family) {
    installed.remove(family);
  }

  synchronized void editedBySomeoneElse(String difference) {
    tampered = difference;
  }

  synchronized void matched(IpFamily family, long count) {
    packets.put(family, count);
  }

  synchronized void failWrites(String reason) {
    failWrites = reason;
  }

  synchronized void readBackDifferently() {
    readsBackDifferently = true;
  }

  synchronized int writes() {
    return writes;
  }

  synchronized int removals() {
    return removals;
  }
}
