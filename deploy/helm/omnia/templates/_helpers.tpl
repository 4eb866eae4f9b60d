{{- define "omnia.labels" -}}
app.kubernetes.io/name: omnia-operator
app.kubernetes.io/part-of: omnia
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}
