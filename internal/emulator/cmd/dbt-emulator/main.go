// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Command dbt-emulator serves the local dbt emulator for demos and manual
// testing of the provider.
//
// On start it prints exactly one line to stdout, "dbt emulator listening on
// http://HOST:PORT", which scripts parse to find the port; the provider's
// host_url (that URL + "/api") and the account go to stderr.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbt-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done. It takes its arguments and outputs as
// parameters so the start-up line can be tested in process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dbt-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on; port 0 picks a free port")
	accountID := fs.Int64("account-id", emulator.DefaultAccountID, "the account id served under /api/v3/accounts/{id}/")
	adminToken := fs.String("admin-token", emulator.DefaultAdminToken, "admin API token (sent as 'Token <t>' or 'Bearer <t>')")
	plan := fs.String("plan", emulator.PlanEnterprise, "account plan: enterprise|team (SCIM answers 403 on team)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *plan != emulator.PlanEnterprise && *plan != emulator.PlanTeam {
		return fmt.Errorf("-plan must be %q or %q, not %q", emulator.PlanEnterprise, emulator.PlanTeam, *plan)
	}
	if *accountID <= 0 {
		return fmt.Errorf("-account-id must be positive")
	}
	if *adminToken == "" {
		return fmt.Errorf("-admin-token must not be empty")
	}

	// The server lives until ctx is done, below.
	srv, err := emulator.StartAt(*listen, emulator.Config{AccountID: *accountID, AdminToken: *adminToken, Plan: *plan, Spec: emulator.SpecEnforce}) //nolint:contextcheck // see above
	if err != nil {
		return err
	}
	// The admin token is left out: logs get pasted into bug reports.
	fmt.Fprintf(stderr, "host_url=%s account_id=%d plan=%s\n", srv.HostURL(), *accountID, *plan)
	// Buffered so the line goes out in one write, then flushed at once:
	// scripts block on reading it.
	out := bufio.NewWriter(stdout)
	fmt.Fprintf(out, "dbt emulator listening on %s\n", srv.URL)
	if err := out.Flush(); err != nil {
		srv.Close()
		return err
	}

	<-ctx.Done()
	// ctx is already done: the shutdown gets a fresh, bounded one.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	return nil
}
