// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package logenv

import (
	"slices"
	"testing"
)

func TestLoggers(t *testing.T) {
	want := []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}
	if !slices.Equal(Loggers, want) {
		t.Errorf("Loggers = %q, want %q", Loggers, want)
	}
}

func TestAsked(t *testing.T) {
	for _, tc := range []struct {
		name    string
		environ []string
		want    bool
	}{
		{"nothing asked: off", []string{"HOME=/root", "PATH=/bin"}, false},
		{"empty values ask for nothing", []string{"TF_LOG=", "TF_LOG_PROVIDER="}, false},
		{"a log file alone logs nothing in Terraform either", []string{"TF_LOG_PATH=/tmp/x.log"}, false},
		{"core logs only", []string{"TF_LOG_CORE=TRACE"}, false},
		{"TF_LOG", []string{"TF_LOG=DEBUG"}, true},
		{"TF_LOG_PROVIDER", []string{"TF_LOG_PROVIDER=TRACE"}, true},
		{"this provider's own", []string{"TF_LOG_PROVIDER_DBT=TRACE"}, true},
		{"one SDK logger", []string{"TF_LOG_SDK_PROTO=TRACE"}, true},
		{"the SDK's data dir", []string{"TF_LOG_SDK_PROTO_DATA_DIR=/tmp/p"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Asked(tc.environ); got != tc.want {
				t.Errorf("Asked(%q) = %v, want %v", tc.environ, got, tc.want)
			}
		})
	}
}
