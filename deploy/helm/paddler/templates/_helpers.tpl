{{/* The prefix of every object's name: "<release>-paddler", at most 63 characters. */}}
{{- define "paddler.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "paddler.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "paddler.balancerSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: balancer
{{- end -}}

{{- define "paddler.agentSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end -}}

{{/* The Secret that holds the state database URL: the user's, or the one the chart creates. */}}
{{- define "paddler.stateDatabaseSecret" -}}
{{- if .Values.stateDatabase.existingSecret -}}
{{- .Values.stateDatabase.existingSecret -}}
{{- else -}}
{{- printf "%s-state-database" (include "paddler.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "paddler.stateDatabaseSecretKey" -}}
{{- if .Values.stateDatabase.existingSecret -}}
{{- .Values.stateDatabase.existingSecretKey -}}
{{- else -}}
url
{{- end -}}
{{- end -}}
