package main

import (
	"slices"
	"testing"
)

func TestQuietLogs(t *testing.T) {
	off := []string{"TF_LOG_PROVIDER=OFF", "TF_LOG_SDK=OFF", "TF_LOG_SDK_PROTO=OFF", "TF_LOG_SDK_FRAMEWORK=OFF"}
	for _, tc := range []struct {
		name    string
		environ []string
		want    []string
	}{
		{"nothing asked: off", []string{"HOME=/root", "PATH=/bin"}, off},
		{"empty values ask for nothing", []string{"TF_LOG=", "TF_LOG_PROVIDER="}, off},
		{"a log file alone logs nothing in Terraform either", []string{"TF_LOG_PATH=/tmp/x.log"}, off},
		{"core logs only", []string{"TF_LOG_CORE=TRACE"}, off},
		{"TF_LOG", []string{"TF_LOG=DEBUG"}, nil},
		{"TF_LOG_PROVIDER", []string{"TF_LOG_PROVIDER=TRACE"}, nil},
		{"this provider's own", []string{"TF_LOG_PROVIDER_DBT=TRACE"}, nil},
		{"one SDK logger", []string{"TF_LOG_SDK_PROTO=TRACE"}, nil},
		{"the SDK's data dir", []string{"TF_LOG_SDK_PROTO_DATA_DIR=/tmp/p"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := quietLogs(tc.environ); !slices.Equal(got, tc.want) {
				t.Errorf("quietLogs(%q) = %q, want %q", tc.environ, got, tc.want)
			}
		})
	}
}
