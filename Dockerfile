# syntax=docker/dockerfile:1
# Podium's image: one jar, every role (standalone, agent, server, webhook, oidc, certs, dev).
#
#   ./mvnw -B -ntp verify -Dpodium.interception=require   # CI: builds and tests target/podium.jar
#   docker build -t podium .                              # packages that jar: no build, no tests
#
# Nothing is compiled or tested here: the image holds the jar CI built and tested (target/podium.jar
# in the build context), a Java runtime trimmed to the modules Podium uses, and an AOT cache per
# long-running role, trained here by bin/podium-aot. The entry point is bin/podium, which gives each
# command the JVM options measured for it (docs/benchmarks.md, "Footprint") and its AOT cache.

# The runtime: jlink keeps the modules jdeps finds in the jar (`jdeps --ignore-missing-deps
# --multi-release 25 --print-module-deps target/podium.jar`) and the DNS naming provider that
# gRPC's resolver may ask for; about 100 MB instead of the JRE's 150 (DockerfileTest runs it).
FROM eclipse-temurin:25-jdk-noble AS runtime
RUN jlink --add-modules java.base,java.desktop,java.naming,java.net.http,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.naming.dns,jdk.crypto.cryptoki,jdk.zipfs \
      --strip-debug --no-man-pages --no-header-files --output /opt/podium/jre

# The image: Ubuntu (the Temurin images' base), the node's firewall tools (iptables-legacy and
# iptables-nft, nft, conntrack) for the agent's and standalone's interception rule, and curl for
# the AOT training runs.
FROM ubuntu:noble
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       iptables nftables conntrack curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=runtime /opt/podium/jre /opt/podium/jre
COPY bin/podium bin/podium-aot /opt/podium/bin/
COPY target/podium.jar /opt/podium/lib/podium.jar
# The AOT caches (one per long-running role: classes loaded and linked, the hot path's profiles),
# trained on loopback with the STS emulator; valid for this jar, this runtime and these options.
RUN /opt/podium/bin/podium-aot standalone server agent && ls -l /opt/podium/lib/aot
ENV PATH=/opt/podium/bin:$PATH
# Not root by default (the server, the webhook and podium certs need nothing more); the node
# components run as root with NET_ADMIN and NET_RAW only, set by their pods' securityContext. The
# root filesystem may be read-only: mount an emptyDir at /tmp.
USER 65532:65532
# 8181 metadata API, 8443 agent API (server), 9180 metrics and probes.
EXPOSE 8181 8443 9180
ENTRYPOINT ["/opt/podium/bin/podium"]
CMD ["--help"]
