// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dataSource is e: a plan that reads the dbt_scim_users data source over
// DataSourceUsers users seeded into the emulator, checked to see them all.
func (r *runner) dataSource(ctx context.Context) error {
	acct, err := startAccount(ctx)
	if err != nil {
		return err
	}
	defer acct.Close()
	n := r.cfg.DataSourceUsers
	if _, err := acct.emu.Seed(n, 0, 0); err != nil {
		return err
	}
	dir, err := r.workdir("users-data-source")
	if err != nil {
		return err
	}
	cfg := providerHCL(acct) + `
data "dbt_scim_users" "all" {}

output "users" {
  value = length(data.dbt_scim_users.all.users)
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return err
	}
	res, err := r.measure(ctx, acct, dir, step{id: "e", command: "plan",
		scenario: "read dbt_scim_users over " + thousands(n) + " users", resources: 0, members: n})
	if err != nil {
		return err
	}
	out, err := os.ReadFile(filepath.Join(dir, "e.log")) //nolint:gosec // the plan log the harness just wrote
	if err != nil {
		return err
	}
	want := fmt.Sprintf("users = %d", n)
	got := "no users output in the plan"
	for line := range strings.Lines(string(out)) {
		if l := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "+")); strings.HasPrefix(l, "users = ") {
			got = l
		}
	}
	r.judge("the data source lists every user", want, got, got == want, res.ID)
	return nil
}
