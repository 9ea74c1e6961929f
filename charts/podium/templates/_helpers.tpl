{{/* The base name of every object. */}}
{{- define "podium.fullname" -}}
{{- .Values.fullnameOverride | default "podium" | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object of one component: pass (dict "root" $ "component" "agent"). */}}
{{- define "podium.labels" -}}
app.kubernetes.io/name: podium
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: podium
{{- end -}}

{{/* The labels a component's selector matches: stable across upgrades. */}}
{{- define "podium.selectorLabels" -}}
app.kubernetes.io/name: podium
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "podium.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The server's address as agents dial it: the headless service, every replica. */}}
{{- define "podium.serverAddress" -}}
{{ include "podium.fullname" . }}-server.{{ .Release.Namespace }}.svc:{{ .Values.server.port }}
{{- end -}}

{{/*
The region (--region), checked: the modes with a node component or a server need it, and only
standalone, whose every process runs on a node, may read it from the node (auto).
*/}}
{{- define "podium.region" -}}
{{- $region := .Values.aws.region | default "" | toString | trim -}}
{{- if not $region -}}
{{- fail "podium: set aws.region (for example --set aws.region=eu-west-1), or aws.region=auto to read it from each node's metadata service (mode standalone)" -}}
{{- end -}}
{{- if and (eq $region "auto") (ne .Values.mode "standalone") -}}
{{- fail "podium: aws.region=auto works in mode standalone only: podium server runs in a pod and cannot read a node's metadata service; set the region, for example --set aws.region=eu-west-1" -}}
{{- end -}}
{{- $region -}}
{{- end -}}

{{/* Roles and sessions: standalone and server. */}}
{{- define "podium.credentialArgs" -}}
- --region={{ include "podium.region" . }}
{{- with .Values.aws.roleBaseArn }}
{{- if and (eq . "auto") (ne $.Values.mode "standalone") }}
{{- fail "podium: aws.roleBaseArn=auto works in mode standalone only: podium server runs in a pod and cannot read a node's metadata service; give the base, for example --set aws.roleBaseArn=arn:aws:iam::123456789012:role/" }}
{{- end }}
- --role-base-arn={{ . }}
{{- end }}
{{- with .Values.aws.assumeRoleArn }}
- --assume-role-arn={{ . }}
{{- end }}
{{- with .Values.aws.defaultRole }}
- --default-role={{ . }}
{{- end }}
- --session-duration={{ .Values.aws.sessionDuration }}
{{- with .Values.aws.sessionTags }}
- --session-tags={{ join "," . }}
{{- end }}
{{- with .Values.aws.clusterName }}
- --cluster-name={{ . }}
{{- end }}
{{- if not .Values.aws.namespaceRestrictions }}
- --namespace-restrictions=false
{{- end }}
{{- end -}}

{{/* The interception rule, for the node component and its init container. */}}
{{- define "podium.interceptionArgs" -}}
- --host-interface={{ join "," .Values.interception.hostInterfaces }}
- --host-ip=$(HOST_IP)
- --iptables-backend={{ .Values.interception.backend }}
- --imds-listen=0.0.0.0:{{ .Values.metadata.port }}
{{- if .Values.containerCredentials.enabled }}
- --container-credentials-listen={{ join "," .Values.containerCredentials.listen }}
- --container-credentials-link={{ .Values.containerCredentials.link }}
{{- else }}
- --container-credentials-listen=none
{{- end }}
{{- end -}}

{{/* The metadata API, logs and the operations endpoint of a node component. */}}
{{- define "podium.nodeArgs" -}}
{{- if not .Values.interception.enabled }}
- --imds-listen=0.0.0.0:{{ .Values.metadata.port }}
{{- /* Without the init container nobody puts the endpoint's addresses on the node. */}}
- --container-credentials-listen=none
{{- else if .Values.containerCredentials.enabled }}
- --container-credentials-audience={{ .Values.containerCredentials.audience }}
- --container-credentials-check-ip={{ .Values.containerCredentials.checkIp }}
{{- end }}
{{- if .Values.metadata.requireImdsv2 }}
- --require-imdsv2
{{- end }}
{{- with .Values.metadata.allowRouteRegexp }}
- --allow-route-regexp={{ . }}
{{- end }}
{{ include "podium.opsArgs" . }}
{{- end -}}

{{- define "podium.opsArgs" -}}
- --metrics-listen=0.0.0.0:{{ .Values.metrics.port }}
- --log-format={{ .Values.logs.format }}
{{- with .Values.logs.auditFile }}
- --audit-log={{ . }}
{{- end }}
{{- end -}}

{{/* Pod annotations for annotation-driven Prometheus setups. */}}
{{- define "podium.scrapeAnnotations" -}}
{{- if .Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.metrics.port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* Liveness and readiness on the operations endpoint (docs/operations.md). */}}
{{- define "podium.probes" -}}
readinessProbe:
  httpGet:
    path: /readyz
    port: metrics
  periodSeconds: 5
  failureThreshold: 2
livenessProbe:
  httpGet:
    path: /healthz
    port: metrics
  initialDelaySeconds: 20
  periodSeconds: 10
  failureThreshold: 3
{{- end -}}

{{/* A node container that writes the nat table: root with NET_ADMIN and NET_RAW, nothing else. */}}
{{- define "podium.netAdminSecurityContext" -}}
runAsUser: 0
runAsNonRoot: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
  add: ["NET_ADMIN", "NET_RAW"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Any other container: not root, no capabilities. */}}
{{- define "podium.restrictedSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The downward API: the node's name and address. */}}
{{- define "podium.nodeEnv" -}}
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: HOST_IP
  valueFrom:
    fieldRef:
      fieldPath: status.hostIP
{{- end -}}

{{/*
The annotations that make an object of templates/uninstall.yaml a pre-delete hook, unless
uninstall.hook is false (the plain manifests of deploy/uninstall/). Pass (dict "root" $ "weight" "0").
*/}}
{{- define "podium.uninstallHook" -}}
{{- if .root.Values.uninstall.hook -}}
annotations:
  helm.sh/hook: pre-delete
  helm.sh/hook-weight: {{ .weight | quote }}
  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end -}}
{{- end -}}

{{/*
The DaemonSet that podium uninstall-nodes runs once the node DaemonSet's pods are gone: on the same
nodes, with the same host access as the init container that installed the rule, it removes the
rule (podium standalone --cleanup, the same for both modes) in an init container; the main
container only holds the pod ready, so that ready pods are clean nodes.
*/}}
{{- define "podium.cleanupDaemonSet" -}}
{{- $v := .Values -}}
{{- $selector := include "podium.selectorLabels" (dict "root" . "component" "cleanup") -}}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ include "podium.fullname" . }}-cleanup
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "podium.labels" (dict "root" . "component" "cleanup") | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- $selector | nindent 6 }}
  template:
    metadata:
      labels:
        {{- $selector | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      priorityClassName: {{ $v.node.priorityClassName }}
      terminationGracePeriodSeconds: 1
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.node.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.node.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.node.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      initContainers:
        - name: cleanup
          image: {{ include "podium.image" . }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          args:
            - standalone
            - --cleanup
            - --iptables-backend={{ $v.interception.backend }}
            {{- if $v.containerCredentials.enabled }}
            - --container-credentials-listen={{ join "," $v.containerCredentials.listen }}
            - --container-credentials-link={{ $v.containerCredentials.link }}
            {{- else }}
            - --container-credentials-listen=none
            {{- end }}
            - --log-format={{ $v.logs.format }}
          volumeMounts:
            - name: xtables-lock
              mountPath: /run/xtables.lock
            - name: tmp
              mountPath: /tmp
          securityContext:
            {{- include "podium.netAdminSecurityContext" . | nindent 12 }}
      containers:
        # Ready once the init container has cleaned the node; the image's coreutils sleep.
        - name: cleaned
          image: {{ include "podium.image" . }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          command: ["sleep", "infinity"]
          resources:
            requests:
              cpu: 1m
              memory: 8Mi
            limits:
              memory: 32Mi
          securityContext:
            {{- include "podium.restrictedSecurityContext" . | nindent 12 }}
      volumes:
        - name: xtables-lock
          hostPath:
            path: {{ $v.interception.xtablesLock }}
            type: FileOrCreate
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end -}}
