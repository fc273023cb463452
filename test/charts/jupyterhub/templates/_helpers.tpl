{{- define "jh.labels" -}}
app: jupyterhub
release: {{ .Release.Name }}
chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
heritage: {{ .Release.Service }}
{{- end -}}

{{- define "jh.prefix" -}}
{{- with .Values.fullnameOverride -}}{{ . }}-{{- end -}}
{{- end -}}

{{/*
  A secret value: the first of the given candidates that is set, else a new random one on every
  render (as the real chart does when nothing is configured and there is no cluster to look up).
*/}}
{{- define "jh.secretOr" -}}
{{- $given := "" -}}
{{- range .candidates -}}
{{- if and (not $given) . -}}{{- $given = . -}}{{- end -}}
{{- end -}}
{{- if $given -}}{{ $given }}{{- else -}}{{ randAlphaNum 64 }}{{- end -}}
{{- end -}}
