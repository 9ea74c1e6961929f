{{/*
The pod template shared by the node DaemonSets (standalone and agent): host network, the node's
name and address from the downward API, the init container that installs the interception rule
before the main container starts, probes on the operations port. Pass
(dict "root" $ "component" "agent" "args" (list ...)).
*/}}
{{- define "podium.nodePod" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
metadata:
  labels:
    {{- include "podium.selectorLabels" . | nindent 4 }}
  {{- with (merge (dict) (fromYaml (include "podium.scrapeAnnotations" $root)) $v.node.podAnnotations) }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ .serviceAccount }}
  {{- if .noToken }}
  automountServiceAccountToken: false
  {{- end }}
  # The metadata API must see pods' real source addresses, and the rule lives in the node's
  # network namespace.
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  priorityClassName: {{ $v.node.priorityClassName }}
  terminationGracePeriodSeconds: 10
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.node.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.node.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.node.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if $v.interception.enabled }}
  initContainers:
    # Installs (or verifies) the interception rule and exits, so that it is in place before the
    # main container starts: pods racing the start-up are refused, never given the node's role.
    - name: install-rules
      image: {{ include "podium.image" $root }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args:
        {{- toYaml .installArgs | nindent 8 }}
        - --install-rules-only
        {{- include "podium.interceptionArgs" $root | nindent 8 }}
        {{- /* The same options as the main container (--host-ip6, --no-keep-jump-first, ...): the
        rule it installs must be the one the main container then keeps. */}}
        {{- with $v.node.extraArgs }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      env:
        {{- include "podium.nodeEnv" $root | nindent 8 }}
      volumeMounts:
        - name: xtables-lock
          mountPath: /run/xtables.lock
        - name: tmp
          mountPath: /tmp
      securityContext:
        {{- include "podium.netAdminSecurityContext" $root | nindent 8 }}
  {{- end }}
  containers:
    - name: {{ .component }}
      image: {{ include "podium.image" $root }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args:
        {{- toYaml .args | nindent 8 }}
        {{- if $v.interception.enabled }}
        # Keep checking and repairing the rule; it is never removed on exit (fail closed).
        - --iptables
        {{- include "podium.interceptionArgs" $root | nindent 8 }}
        {{- end }}
        {{- include "podium.nodeArgs" $root | trim | nindent 8 }}
        {{- with $v.node.extraArgs }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      env:
        {{- include "podium.nodeEnv" $root | nindent 8 }}
        {{- with $v.node.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - name: metadata
          containerPort: {{ $v.metadata.port }}
        - name: metrics
          containerPort: {{ $v.metrics.port }}
      {{- include "podium.probes" $root | nindent 6 }}
      {{- with $v.node.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- if $v.interception.enabled }}
        # Checking and repairing the rule needs root with NET_ADMIN and NET_RAW, nothing more.
        {{- include "podium.netAdminSecurityContext" $root | nindent 8 }}
        {{- else }}
        {{- include "podium.restrictedSecurityContext" $root | nindent 8 }}
        {{- end }}
      volumeMounts:
        {{- if $v.interception.enabled }}
        - name: xtables-lock
          mountPath: /run/xtables.lock
        {{- end }}
        - name: tmp
          mountPath: /tmp
        {{- with $v.logs.auditFile }}
        - name: audit
          mountPath: {{ dir . }}
        {{- end }}
        {{- with .mounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    {{- if $v.interception.enabled }}
    # Shared with kube-proxy and the CNI, so that iptables writers take turns.
    - name: xtables-lock
      hostPath:
        path: {{ $v.interception.xtablesLock }}
        type: FileOrCreate
    {{- end }}
    # The root filesystem is read-only; the JVM and gRPC's native transport need a /tmp.
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
    {{- if $v.logs.auditFile }}
    - name: audit
      emptyDir:
        sizeLimit: 1Gi
    {{- end }}
    {{- with .volumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
