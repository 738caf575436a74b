// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

func TestFromProvider(t *testing.T) {
	for addr, want := range map[string]bool{
		"registry.terraform.io/dbt-labs/dbtcloud": true, // Terraform
		"registry.opentofu.org/dbt-labs/dbtcloud": true,
		"example.com/mirror/dbtcloud":             true, // a private registry
		"dbt-labs/dbtcloud":                       true,
		"dbtcloud":                                true, // OpenTofu passes the bare type
		"registry.terraform.io/dbt-labs/dbt":      false,
		"registry.terraform.io/acme/dbtcloudx":    false,
		"a/b/c/dbtcloud":                          false,
		"//dbtcloud":                              false,
		"":                                        false,
	} {
		if got := fromProvider(addr, dbtcloudType); got != want {
			t.Errorf("fromProvider(%q) = %v, want %v", addr, got, want)
		}
	}
}

// Some OpenTofu releases call MoveResourceState when only the provider's
// address changed (a registry host switch): the state passes unchanged, for
// every resource, and nothing else is accepted.
func TestSameTypeMove(t *testing.T) {
	ctx := context.Background()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]map[string]any{
		"dbt_scim_user": {"id": "1001", "user_name": "ada@example.com", "given_name": "Ada", "family_name": nil,
			"external_id": nil, "active": true, "license_type": nil, "delete_on_destroy": false},
		"dbt_scim_group": {"id": "9", "display_name": "Analysts", "external_id": "okta-1", "members": []string{"1001"}},
		"dbt_scim_token": {"id": "7", "name": "okta", "token": "secret", "created_at": "2026-01-01T00:00:00Z",
			"last_used": nil, "rotation_period": "720h", "rotate_when_changed": nil, "ready_for_rotation": false,
			"previous_token_retention": nil, "previous_token_id": nil, "previous_token_expires_at": nil},
		"dbt_scim_group_member": {"id": "9/1001", "group_id": "9", "user_id": "1001"},
		"dbt_scim_settings": {"id": "1", "enabled": true, "manual_updates_allowed": false,
			"scim_controlled_license_type": false, "scim_base_url": "https://x.example/api/v3/accounts/1/scim/v2"},
	}
	for name, state := range states {
		raw, _ := json.Marshal(state)
		for addr, ok := range map[string]bool{"registry.opentofu.org/dbt-scim/dbt": true, "dbt": true, "registry.terraform.io/acme/other": false} {
			resp, err := srv.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{
				SourceProviderAddress: addr, SourceTypeName: name, SourceSchemaVersion: 0,
				SourceState: &tfprotov6.RawState{JSON: raw}, TargetTypeName: name,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				if len(resp.Diagnostics) == 0 {
					t.Errorf("%s from %s: moved, want refused", name, addr)
				}
				continue
			}
			if len(resp.Diagnostics) > 0 || resp.TargetState == nil {
				t.Errorf("%s from %s: %+v", name, addr, resp.Diagnostics)
				continue
			}
			typ := schemas.ResourceSchemas[name].ValueType()
			got, err := resp.TargetState.Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			want, err := (&tfprotov6.RawState{JSON: raw}).Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Errorf("%s from %s: moved state %v, want it unchanged: %v", name, addr, got, want)
			}
		}
	}
}
