package io.podium.core.role;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An upper bound of the size of the program RE2/J compiles a regex to, computed from the text
 * before RE2/J sees it. RE2/J matches in linear time, but it expands counted repetitions while
 * compiling, so {@code ((a{1000}){1000}){1000}} asks for 10⁹ instructions and exhausts the heap,
 * and it has no limit of its own (RE2 in C++ and Go have one).
 *
 * <p>Each literal, class, escape or anchor counts one, a group its contents plus two, an
 * alternation one, and {@code x{n,m}} counts {@code (size(x) + 1) * max(1, m)}: at least what RE2/J
 * builds. Only valid patterns need a true bound, since RE2/J rejects the others while parsing,
 * before it expands anything.
 */
final class RegexProgramSize {

  // Saturate far above any limit a caller sets and far below overflow in the arithmetic below.
  private static final long CAP = 1L << 40;
  private static final long MAX_COUNT = 1L << 20;

  private RegexProgramSize() {}

  private static final class Frame {
    long alternatives;
    long concat;
    long last;

    void add(long size) {
      concat = Math.min(CAP, concat + size);
      last = size;
    }

    long total() {
      return Math.min(CAP, alternatives + concat);
    }
  }

  /** An upper bound of RE2/J's {@code programSize()} for {@code regex}, at most 2⁴⁰. */
  static long bound(String regex) {
    Deque<Frame> frames = new ArrayDeque<>();
    frames.push(new Frame());
    int n = regex.length();
    int i = 0;
    while (i < n) {
      Frame frame = frames.peek();
      char c = regex.charAt(i);
      switch (c) {
        case '\\' -> {
          if (i + 1 < n && regex.charAt(i + 1) == 'Q') {
            int end = regex.indexOf("\\E", i + 2);
            int literalEnd = end < 0 ? n : end;
            if (literalEnd > i + 2) {
              // Quoted text is a run of literals; a repetition after it binds to the last one.
              frame.add(literalEnd - (i + 2) - 1);
              frame.add(1);
            }
            i = end < 0 ? n : end + 2;
          } else {
            frame.add(1);
            i = skipEscape(regex, i);
          }
        }
        case '[' -> {
          frame.add(1);
          i = skipClass(regex, i);
        }
        case '(' -> {
          int next = i + 1;
          if (next < n && regex.charAt(next) == '?') {
            int j = next + 1;
            while (j < n && "imsU-".indexOf(regex.charAt(j)) >= 0) {
              j++;
            }
            if (j < n && regex.charAt(j) == ')') {
              // Flags such as (?i) change how the rest is matched but add no instruction.
              i = j + 1;
              continue;
            }
            if (j < n && (regex.charAt(j) == 'P' || regex.charAt(j) == '<')) {
              int close = regex.indexOf('>', j);
              j = close < 0 ? n : close;
            }
            next = j + 1;
          }
          frames.push(new Frame());
          i = next;
        }
        case ')' -> {
          if (frames.size() > 1) {
            long group = frames.pop().total() + 2;
            frames.peek().add(Math.min(CAP, group));
          } else {
            frame.add(1);
          }
          i++;
        }
        case '|' -> {
          frame.alternatives = Math.min(CAP, frame.alternatives + frame.concat + 1);
          frame.concat = 0;
          frame.last = 0;
          i++;
        }
        case '*', '+', '?' -> {
          repeat(frame, 1);
          i++;
        }
        case '{' -> {
          int close = regex.indexOf('}', i);
          long count = close < 0 ? -1 : repeatCount(regex.substring(i + 1, close));
          if (count < 0) {
            frame.add(1); // not a repetition: RE2 reads a literal brace
            i++;
          } else {
            repeat(frame, Math.max(1, count));
            i = close + 1;
          }
        }
        default -> {
          frame.add(1);
          i++;
        }
      }
    }
    long total = 0;
    while (!frames.isEmpty()) {
      total = Math.min(CAP, total + frames.pop().total());
    }
    return Math.min(CAP, total + 2);
  }

  private static void repeat(Frame frame, long count) {
    long repeated = Math.min(CAP, (frame.last + 1) * count);
    frame.concat = Math.min(CAP, frame.concat - frame.last + repeated);
    frame.last = repeated;
  }

  /** The largest count of {@code n}, {@code n,} or {@code n,m}, or -1 when it is not a repeat. */
  private static long repeatCount(String body) {
    int comma = body.indexOf(',');
    String min = comma < 0 ? body : body.substring(0, comma);
    String max = comma < 0 ? body : body.substring(comma + 1);
    if (!isDigits(min) || (!max.isEmpty() && !isDigits(max))) {
      return -1;
    }
    return Math.max(count(min), max.isEmpty() ? 0 : count(max));
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
  }

  private static long count(String digits) {
    return digits.length() > 7 ? MAX_COUNT : Math.min(MAX_COUNT, Long.parseLong(digits));
  }

  /**
   * The index after the escape at {@code start}, which may be {@code \p{Name}} or {@code \x{…}}.
   */
  private static int skipEscape(String regex, int start) {
    int i = start + 2;
    if (i < regex.length() && regex.charAt(i) == '{') {
      char kind = regex.charAt(i - 1);
      if (kind == 'p' || kind == 'P' || kind == 'x') {
        int close = regex.indexOf('}', i);
        return close < 0 ? regex.length() : close + 1;
      }
    }
    return Math.min(i, regex.length());
  }

  /** The index after the character class opening at {@code start}. */
  private static int skipClass(String regex, int start) {
    int n = regex.length();
    int i = start + 1;
    if (i < n && regex.charAt(i) == '^') {
      i++;
    }
    if (i < n && regex.charAt(i) == ']') {
      i++; // a leading ']' is a literal member
    }
    while (i < n) {
      char c = regex.charAt(i);
      if (c == ']') {
        return i + 1;
      }
      if (c == '\\') {
        i = skipEscape(regex, i);
      } else if (c == '[' && i + 1 < n && regex.charAt(i + 1) == ':') {
        int close = regex.indexOf(":]", i + 2);
        i = close < 0 ? i + 1 : close + 2;
      } else {
        i++;
      }
    }
    return n;
  }
}
