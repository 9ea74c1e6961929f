# syntax=docker/dockerfile:1-labs
# Podium's image: one jar, every role (standalone, agent, server, certs, dev).
#
#   docker buildx build --allow security.insecure -t podium .
#
# The build stage runs exactly CI's command (.ci/run: ./mvnw -B -ntp verify
# -Dpodium.interception=require), tests included; its interception tests build network namespaces
# and need CAP_NET_ADMIN, hence the insecure entitlement on that one step (DockerfileTest keeps this file and .ci/run in step).

FROM eclipse-temurin:25-jdk-noble AS build
# What the tests need, as .ci/run installs it: the AWS CLI v2, firewall tools for the interception
# tests, the JavaScript SDK's runtime, botocore and moto for the Python clients and third-party STS.
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       awscli iproute2 iptables nftables conntrack curl nodejs npm \
       python3 python3-botocore python3-boto3 python3-pip \
    && pip3 install --break-system-packages --no-cache-dir 'moto[server]==5.2.1' \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN npm ci --prefix src/test/js --no-audit --no-fund
# Network safety, as in .ci/run: an explicit region, no shared AWS files, a closed metadata port.
ENV AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9 \
    AWS_CONFIG_FILE=/nonexistent/aws-config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-credentials
RUN --security=insecure ./mvnw -B -ntp verify -Dpodium.interception=require

# The runtime: a JRE 25 and the node's firewall tools (iptables-legacy and iptables-nft, nft,
# conntrack) for the agent's and standalone's interception rule; nothing else.
FROM eclipse-temurin:25-jre-noble
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       iptables nftables conntrack \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/podium.jar /opt/podium/podium.jar
# Not root by default (the server and podium certs need nothing more); the node components run
# as root with NET_ADMIN and NET_RAW only, set by their pods' securityContext. The root filesystem
# may be read-only: mount an emptyDir at /tmp.
USER 65532:65532
# 8181 metadata API, 8443 agent API (server), 9180 metrics and probes.
EXPOSE 8181 8443 9180
ENTRYPOINT ["java", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-jar", "/opt/podium/podium.jar"]
CMD ["--help"]
