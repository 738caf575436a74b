// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// 500 users applied with -parallelism=20 against a dbt that admits 50
// requests a second and answers the rest 429 with Retry-After: every user is
// created, and the apply takes at most 1.5 times what the limit implies for
// the requests it needed. A provider that gave up on 429s would fail
// resources; one that backed off past Retry-After, or in lockstep, would
// blow the time bound.
//
// It does not run in parallel with other tests: the bound is on wall time.
func TestAccConcurrency_rateLimitedApply(t *testing.T) {
	const (
		users       = 500
		parallelism = 20
		perSecond   = 50.0
		burst       = 50
		slack       = 1.5
	)
	srv := acctest.Emulator(t, emulator.Config{})
	emu := srv.Emulator
	// The provider's own retry settings, as users get them.
	cli := acctest.NewInProcessCLI(t)
	cli.SetConfig(fmt.Sprintf(`
terraform {
  required_providers {
    dbt = { source = "dbt-scim/dbt" }
  }
}

provider "dbt" {
  host_url   = %q
  account_id = %d
  token      = %q
  scim_token = %q
}

resource "dbt_scim_user" "load" {
  count             = %d
  user_name         = format("load%%03d@example.com", count.index)
  given_name        = "Load"
  family_name       = "User ${count.index}"
  delete_on_destroy = true
}
`, srv.HostURL(), emu.AccountID(), acctest.AdminToken, acctest.SCIMToken(srv), users))

	// Plan first, so the timed command is the apply alone.
	if res := cli.Run(5*time.Minute, "plan", "-input=false", "-no-color", "-out=tfplan"); res.Code != 0 {
		t.Fatalf("plan (exit %d): %v\n%s", res.Code, res.Err, res.Output)
	}
	emu.ResetRequests()
	emu.SetRateLimit(perSecond, burst)
	res := cli.Run(10*time.Minute, "apply", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism), "tfplan")
	emu.SetRateLimit(0, 0)
	if res.Code != 0 {
		t.Fatalf("apply (exit %d) failed under the rate limit:\n  %s", res.Code, strings.Join(res.Diagnostics("Error"), "\n  "))
	}

	admitted, refused := 0, 0
	for _, r := range emu.Requests() {
		if r.Status == http.StatusTooManyRequests {
			refused++
		} else {
			admitted++
		}
	}
	implied := time.Duration(float64(admitted) / perSecond * float64(time.Second))
	bound := time.Duration(slack * float64(implied))
	t.Logf("%d users, -parallelism=%d, limit %.0f/s (burst %d): %d requests admitted, %d refused with 429; "+
		"apply took %v, the limit implies %v, bound %v",
		users, parallelism, perSecond, burst, admitted, refused, res.Elapsed.Round(time.Millisecond), implied, bound)
	if refused == 0 {
		t.Error("no request was refused: the rate limit was never reached, so this proved nothing")
	}
	if admitted < users {
		t.Errorf("only %d requests got through for %d users", admitted, users)
	}
	if res.Elapsed > bound {
		t.Errorf("the apply took %v, more than %.1f × the %v that %d requests at %.0f/s need",
			res.Elapsed.Round(time.Millisecond), slack, implied, admitted, perSecond)
	}

	// Every user is in the state and in dbt, and nothing else is in dbt.
	st := cli.State(t)
	inState := map[string]string{}
	for i := range users {
		a := st.Attrs(fmt.Sprintf("dbt_scim_user.load[%d]", i))
		if a == nil {
			t.Errorf("dbt_scim_user.load[%d] is not in the state", i)
			continue
		}
		inState[str(a["id"])] = str(a["user_name"])
	}
	dbtUsers := emu.Users()
	for _, u := range dbtUsers {
		if name, ok := inState[u.ID]; !ok || name != u.UserName {
			t.Errorf("dbt's user %s (%s) is not the state's (%q)", u.ID, u.UserName, name)
		}
	}
	if len(dbtUsers) != users || len(inState) != users {
		t.Errorf("dbt has %d users and the state %d, want %d each", len(dbtUsers), len(inState), users)
	}
}
