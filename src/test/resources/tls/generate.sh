#!/usr/bin/env bash
# Regenerates the committed test certificates with `podium certs` and fixed dates, so that the
# negative tests (expired, wrong CA) stay what they are. Run from the project root after
# `./mvnw -q -DskipTests package`:  bash src/test/resources/tls/generate.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
podium() { "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -jar ../../../../target/podium.jar "$@"; }
rm -rf good expired other-ca
# The CA and certificates every test trusts: valid from 2020 for 100 years.
podium certs --out good --not-before 2020-01-01T00:00:00Z --ca-valid-for 36500d --valid-for 36500d \
  --server-dns localhost --server-ip 127.0.0.1 --agent-node node-a --agent-node node-b
# Same CA, an agent certificate that expired in 2020.
mkdir expired && cp good/ca.crt good/ca.key expired/
podium certs --out expired --not-before 2020-01-01T00:00:00Z --valid-for 1d --agent-node node-a
rm expired/ca.key expired/ca.crt
# Another CA altogether, with an agent certificate for node-a that no server trusts.
podium certs --out other-ca --not-before 2020-01-01T00:00:00Z --ca-valid-for 36500d --valid-for 36500d \
  --agent-node node-a --server-dns localhost --server-ip 127.0.0.1
rm other-ca/ca.key
