#!/usr/bin/env bash
# Re-renders deploy/standalone.yaml, deploy/agent-server.yaml, deploy/cert-manager.yaml,
# deploy/webhook.yaml, deploy/webhook-cert-manager.yaml and the uninstall Jobs in deploy/uninstall/
# from charts/podium with the values in deploy/values/ (each sets aws.region, which the chart
# requires), through the real Helm engine (helm-java): the same code with which
# DeployManifestsTest checks that deploy/ equals the chart. No helm binary needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B -ntp test -Dtest=DeployManifestsTest#deployIsTheChartsRendering \
  -Dsurefire.failIfNoSpecifiedTests=false -Dpodium.deploy.write=true
git status --short deploy/
